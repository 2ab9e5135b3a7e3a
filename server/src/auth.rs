//! Accounts and tokens: one-time enrolment codes, short-lived access tokens and rotating
//! refresh tokens. Every secret is random, shown once, and stored only as its SHA-256 hash;
//! presenting a refresh token that was already exchanged revokes its whole family (within a
//! short retry grace, only the pair it was exchanged for: at most one chain of a family lives).

use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::store::{StoreTx, TokenRecord};
use passerelle_core::Role;
use passerelle_core::sync::protocol::Tokens;

/// Who is calling, as established from their access token and the stored person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The person.
    pub person_id: String,
    /// Their role.
    pub role: Role,
    /// Their device (the origin of their rows, and the idempotency namespace).
    pub device_id: String,
}

impl Actor {
    /// The server acting on its own, not a person: to create the first coordinator, issue
    /// codes from the command line, and for maintenance (scope rules, sweeping erasures).
    pub fn system() -> Self {
        Self {
            person_id: "system".to_owned(),
            role: Role::Professional,
            device_id: "server".to_owned(),
        }
    }
}

/// A new random secret: 32 bytes, hex.
pub fn secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// An enrolment code people can type: 12 characters from an alphabet without look-alikes,
/// grouped by four (`K7PD-M2QX-9TRB`), about 60 bits.
pub fn enrolment_code() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut bytes = [0u8; 12];
    rand::rng().fill_bytes(&mut bytes);
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// The stored form of a secret.
pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Normalises a typed code: upper case, no spaces, dashes where they belong.
pub fn normalise_code(code: &str) -> String {
    let plain: String = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    plain
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// Token lifetimes.
#[derive(Debug, Clone, Copy)]
pub struct Lifetimes {
    /// Access token lifetime, ms.
    pub access_ms: i64,
    /// Refresh token lifetime, ms.
    pub refresh_ms: i64,
}

/// Issues a new access and refresh token pair in `family`, in exchange for the refresh token
/// hashed `parent` (`None` at enrolment).
pub fn issue(
    tx: &mut dyn StoreTx,
    device_id: &str,
    person_id: &str,
    family: &str,
    parent: Option<&str>,
    now: i64,
    life: Lifetimes,
) -> Result<Tokens, ApiError> {
    let (access, refresh) = (secret(), secret());
    let record = |kind: &str, expires_at: i64| TokenRecord {
        kind: kind.to_owned(),
        device_id: device_id.to_owned(),
        person_id: person_id.to_owned(),
        family: family.to_owned(),
        parent: parent.map(str::to_owned),
        expires_at,
        used_at: None,
        revoked_at: None,
    };
    tx.put_token(&hash(&access), &record("access", now + life.access_ms))?;
    tx.put_token(&hash(&refresh), &record("refresh", now + life.refresh_ms))?;
    Ok(Tokens {
        access_token: access,
        access_expires_at: now + life.access_ms,
        refresh_token: refresh,
    })
}

/// How long after a refresh token was spent presenting it again still gets a new pair: the
/// device that spent it may never have received the answer (the connection dropped after the
/// server committed) and retries with the only token it has. Later, a spent token means
/// someone else holds a copy.
pub const REFRESH_RETRY_GRACE_MS: i64 = 5 * 60_000;

/// Exchanges a refresh token for a new pair, so that at most one chain of a family lives:
///
/// - unspent: it is spent, and a new pair is issued from it;
/// - spent within [`REFRESH_RETRY_GRACE_MS`] (a retry whose answer was lost): the pairs issued
///   from it before are revoked — the answer the client never received — and a new pair is
///   issued. If one of those pairs' refresh token was already spent, its holder did receive
///   it: the token presented is a copy, and the whole family is revoked instead;
/// - spent longer ago: someone else holds a copy; the whole family is revoked;
/// - revoked: refused, and the whole family is revoked too. A token revoked while its family
///   lived was issued from a token retried within the grace: whoever presents it received the
///   answer the retry replaced, so two holders of one chain exist.
///
/// The outer error is a failure that must roll the transaction back; the inner one a refusal
/// whose writes (the revoked family) must be committed all the same.
pub fn refresh(
    tx: &mut dyn StoreTx,
    presented: &str,
    now: i64,
    life: Lifetimes,
) -> Result<Result<Tokens, ApiError>, ApiError> {
    let h = hash(presented);
    let Some(t) = tx.token(&h)? else {
        return Ok(Err(ApiError::unauthorized()));
    };
    if t.kind != "refresh" {
        return Ok(Err(ApiError::unauthorized()));
    }
    if t.revoked_at.is_some() {
        // Nothing to revoke if the family already was; the statement then changes no row.
        tx.revoke_family(&t.family, now)?;
        return Ok(Err(refusal_of_revoked(tx, &t)?));
    }
    if t.expires_at <= now {
        return Ok(Err(ApiError::unauthorized()));
    }
    let spent_at = match t.used_at {
        Some(at) => Some(at),
        // Spent by a concurrent copy of this request a moment ago (on PostgreSQL, marking it
        // waited for that request's commit, so the pair it issued is visible from here on).
        None if !tx.mark_token_used(&h, now)? => Some(now),
        None => None,
    };
    if let Some(at) = spent_at {
        let retry = now - at <= REFRESH_RETRY_GRACE_MS;
        if !retry || tx.revoke_issued_from(&t.family, &h, now)? {
            tx.revoke_family(&t.family, now)?;
            return Ok(Err(ApiError::unauthorized()));
        }
    }
    issue(
        tx,
        &t.device_id,
        &t.person_id,
        &t.family,
        Some(&h),
        now,
        life,
    )
    .map(Ok)
}

/// Why a revoked token is refused: its person's records were erased (the account is closed
/// for good), or the session ended some other way (sign in again with a new code).
fn refusal_of_revoked(tx: &mut dyn StoreTx, t: &TokenRecord) -> Result<ApiError, ApiError> {
    Ok(if crate::rights::is_erased(tx, &t.person_id)? {
        ApiError::account_closed()
    } else {
        ApiError::unauthorized()
    })
}

/// Ends the session a refresh token belongs to (`POST /v1/auth/sign-out`, a phone being
/// wiped): its whole family is revoked, access tokens included. Answered the same whether the
/// token was alive, already dead or unknown, so the answer tells a copy's holder nothing.
pub fn sign_out(tx: &mut dyn StoreTx, presented: &str, now: i64) -> Result<(), ApiError> {
    match tx.token(&hash(presented))? {
        Some(t) if t.kind == "refresh" => tx.revoke_family(&t.family, now)?,
        _ => {}
    }
    Ok(())
}

/// The actor behind an access token.
pub fn authenticate(
    tx: &mut dyn StoreTx,
    bearer: Option<&str>,
    now: i64,
) -> Result<Actor, ApiError> {
    let Some(token) = bearer else {
        return Err(ApiError::unauthorized());
    };
    let h = hash(token);
    let Some((t, person)) = tx.token_holder(&h)? else {
        // An erased survivor's person row is gone, the token's record is not.
        return Err(match tx.token(&h)? {
            Some(t) if t.revoked_at.is_some() => refusal_of_revoked(tx, &t)?,
            _ => ApiError::unauthorized(),
        });
    };
    if t.revoked_at.is_some() {
        return Err(refusal_of_revoked(tx, &t)?);
    }
    if t.kind != "access" || t.expires_at <= now {
        return Err(ApiError::unauthorized());
    }
    let role = crate::rows::role_of(&person).ok_or_else(ApiError::unauthorized)?;
    Ok(Actor {
        person_id: t.person_id,
        role,
        device_id: t.device_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_readable_and_normalised() {
        let code = enrolment_code();
        assert_eq!(code.len(), 14);
        assert!(!code.contains(['0', 'O', '1', 'I', 'L']));
        assert_eq!(normalise_code(&code.to_lowercase().replace('-', " ")), code);
    }

    #[test]
    fn secrets_are_hashed() {
        let s = secret();
        assert_eq!(s.len(), 64);
        assert_ne!(hash(&s), s);
        assert_eq!(hash(&s), hash(&s));
    }
}
