//! Errors as the API answers them: an HTTP status, a stable code and a sentence for
//! developers. Nothing here ever carries personal data or a row's content.

use passerelle_core::sync::protocol::ErrorBody;

use crate::store::StoreFailure;

/// An error answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// Stable code.
    pub code: &'static str,
    /// Developer-facing sentence.
    pub message: &'static str,
}

impl ApiError {
    /// 400 with a code.
    pub fn bad_request(code: &'static str, message: &'static str) -> Self {
        Self {
            status: 400,
            code,
            message,
        }
    }
    /// 401: missing, unknown, expired or revoked token.
    pub fn unauthorized() -> Self {
        Self {
            status: 401,
            code: "unauthorized",
            message: "a valid access token is required",
        }
    }
    /// 401 for a token of a person whose records were erased: the phone learns the account is
    /// gone for good (no new code will come), so the app offers to wipe it instead of asking
    /// the person to sign in again. Told only to a holder of one of that person's tokens.
    pub fn account_closed() -> Self {
        Self {
            status: 401,
            code: "account_closed",
            message: "this account was closed",
        }
    }
    /// 403 with a reason.
    pub fn forbidden(message: &'static str) -> Self {
        Self {
            status: 403,
            code: "forbidden",
            message,
        }
    }
    /// 404.
    pub fn not_found(message: &'static str) -> Self {
        Self {
            status: 404,
            code: "not_found",
            message,
        }
    }
    /// 409: the record is not in a state for this.
    pub fn conflict(message: &'static str) -> Self {
        Self {
            status: 409,
            code: "invalid_state",
            message,
        }
    }
    /// 413.
    pub fn too_large(message: &'static str) -> Self {
        Self {
            status: 413,
            code: "payload_too_large",
            message,
        }
    }
    /// 413 for a request body over the configured limit. The service checks it and the HTTP
    /// front, which refuses such a body before reading it all, answers with the same error.
    pub fn body_too_large() -> Self {
        Self::too_large("the request body is too large")
    }
    /// 429.
    pub fn rate_limited() -> Self {
        Self {
            status: 429,
            code: "rate_limited",
            message: "too many requests from this device; retry in a minute",
        }
    }
}

impl ApiError {
    /// The answer's JSON body, `{"error": code, "message": sentence}`: the one encoding of an
    /// error, for the service and the HTTP front alike.
    pub fn body(&self) -> Vec<u8> {
        serde_json::to_vec(&ErrorBody {
            error: self.code.to_owned(),
            message: self.message.to_owned(),
        })
        .unwrap_or_default()
    }
}

impl From<StoreFailure> for ApiError {
    fn from(e: StoreFailure) -> Self {
        match e {
            StoreFailure::Busy => Self {
                status: 503,
                code: "busy",
                message: "the server is busy; retry",
            },
            StoreFailure::Database(_) => Self {
                status: 500,
                code: "storage",
                message: "storage failure",
            },
        }
    }
}

impl From<passerelle_core::Error> for ApiError {
    fn from(e: passerelle_core::Error) -> Self {
        use passerelle_core::Error as E;
        match e {
            E::Invalid { .. } | E::UnknownCode { .. } => {
                Self::bad_request("invalid", "an input broke a documented rule")
            }
            E::NotFound(what) => Self::not_found(what),
            E::NotAllowed(why) => Self::forbidden(why),
            E::InvalidState(why) => Self::conflict(why),
            // The server never wipes a phone's store; met here only as a bug.
            E::UnsentChanges { .. } | E::Store(_) | E::Sync(_) => Self {
                status: 500,
                code: "internal",
                message: "internal failure",
            },
        }
    }
}
