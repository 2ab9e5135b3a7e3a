//! The simulated network between the devices and the in-process server. Each device gets a
//! [`Link`] (a `passerelle_core::Transport`); every request it sends rolls the dice of one
//! shared, seeded [`Network`]:
//!
//! - **drop the request**: the server never sees it;
//! - **drop the reply**: the server handles it and commits, the device hears nothing — the
//!   server "crashed between commit and reply";
//! - **duplicate**: the server handles the same request twice;
//! - **delay**: the request is held in the network and delivered later, after newer ones
//!   (the device has given up on it): reordered, re-delivered old requests;
//! - **kill**: the device's process dies at this request (the server may or may not have got
//!   it); every later request of that sync fails, and the simulation drops the device's
//!   `Store` and opens its file again.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, PoisonError};

use passerelle_core::sync::transport::Response;
use passerelle_core::{Transport, TransportError};
use passerelle_server::{ApiRequest, ApiResponse};

use super::rng::Rng;
use crate::api::post_request;

/// How often each fault strikes, per thousand requests.
#[derive(Debug, Clone, Copy, Default)]
pub struct Faults {
    /// The request is lost before the server.
    pub drop_request: u32,
    /// The server commits, the reply is lost.
    pub drop_reply: u32,
    /// The request arrives twice.
    pub duplicate: u32,
    /// The request is held and delivered later, out of order.
    pub delay: u32,
    /// The device's process dies at this request.
    pub kill: u32,
    /// Before each request, a held request is delivered.
    pub redeliver: u32,
}

/// What the network did, for the run's summary.
#[derive(Debug, Clone, Copy, Default)]
pub struct NetStats {
    /// Requests sent by devices.
    pub requests: u64,
    /// Requests lost.
    pub dropped_requests: u64,
    /// Replies lost after the server committed.
    pub dropped_replies: u64,
    /// Requests delivered twice.
    pub duplicated: u64,
    /// Requests held back.
    pub delayed: u64,
    /// Held requests delivered late.
    pub redelivered: u64,
    /// Devices killed mid-sync.
    pub kills: u64,
}

struct State {
    rng: Rng,
    faults: Faults,
    held: Vec<ApiRequest>,
    killed: BTreeSet<usize>,
    stats: NetStats,
}

/// The server's request handler, whatever its store.
pub type Handler = dyn Fn(&ApiRequest) -> ApiResponse + Send + Sync;

/// The network: the server's handler, the dice, and the requests held in flight.
pub struct Network {
    handle: Box<Handler>,
    state: Mutex<State>,
}

enum Fate {
    Deliver,
    DropRequest,
    DropReply,
    Duplicate,
    Delay,
    Kill { reaches_server: bool },
}

impl Network {
    /// A network in front of `handle`, rolling dice from `rng`.
    pub fn new(handle: Box<Handler>, rng: Rng) -> Arc<Self> {
        Arc::new(Self {
            handle,
            state: Mutex::new(State {
                rng,
                faults: Faults::default(),
                held: Vec::new(),
                killed: BTreeSet::new(),
                stats: NetStats::default(),
            }),
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sets the fault rates (all zero: a perfect network).
    pub fn set_faults(&self, faults: Faults) {
        self.state().faults = faults;
    }

    /// The link of device `index`.
    pub fn link(self: &Arc<Self>, index: usize) -> Link {
        Link {
            net: self.clone(),
            device: index,
        }
    }

    /// Whether device `index` was killed (and clears the mark).
    pub fn take_killed(&self, index: usize) -> bool {
        self.state().killed.remove(&index)
    }

    /// Delivers up to `n` held requests, oldest first or at random; their answers go nowhere.
    pub fn redeliver(&self, n: usize) {
        for _ in 0..n {
            let request = {
                let mut s = self.state();
                if s.held.is_empty() {
                    return;
                }
                let len = s.held.len();
                let i = s.rng.index(len);
                s.stats.redelivered += 1;
                s.held.remove(i)
            };
            (self.handle)(&request);
        }
    }

    /// Requests still held.
    pub fn held(&self) -> usize {
        self.state().held.len()
    }

    /// What happened so far.
    pub fn stats(&self) -> NetStats {
        self.state().stats
    }

    fn fate(&self, device: usize) -> (Fate, bool) {
        let mut s = self.state();
        s.stats.requests += 1;
        let f = s.faults;
        let redeliver = !s.held.is_empty() && s.rng.chance(f.redeliver);
        let fate = if s.killed.contains(&device) {
            Fate::DropRequest
        } else if s.rng.chance(f.drop_request) {
            s.stats.dropped_requests += 1;
            Fate::DropRequest
        } else if s.rng.chance(f.drop_reply) {
            s.stats.dropped_replies += 1;
            Fate::DropReply
        } else if s.rng.chance(f.duplicate) {
            s.stats.duplicated += 1;
            Fate::Duplicate
        } else if s.rng.chance(f.delay) {
            s.stats.delayed += 1;
            Fate::Delay
        } else if s.rng.chance(f.kill) {
            s.stats.kills += 1;
            s.killed.insert(device);
            Fate::Kill {
                reaches_server: s.rng.chance(500),
            }
        } else {
            Fate::Deliver
        };
        (fate, redeliver)
    }

    fn send(&self, device: usize, request: ApiRequest) -> Result<ApiResponse, TransportError> {
        let answer = self.send_inner(device, request.clone());
        if trace() {
            eprintln!("{}", describe(device, &request, &answer));
        }
        answer
    }

    fn send_inner(
        &self,
        device: usize,
        request: ApiRequest,
    ) -> Result<ApiResponse, TransportError> {
        let (fate, redeliver) = self.fate(device);
        if redeliver {
            self.redeliver(1);
        }
        match fate {
            Fate::Deliver => Ok((self.handle)(&request)),
            Fate::DropRequest => Err(TransportError::Unreachable),
            Fate::DropReply => {
                (self.handle)(&request);
                Err(TransportError::Timeout)
            }
            Fate::Duplicate => {
                (self.handle)(&request);
                Ok((self.handle)(&request))
            }
            Fate::Delay => {
                self.state().held.push(request);
                Err(TransportError::Timeout)
            }
            Fate::Kill { reaches_server } => {
                if reaches_server {
                    (self.handle)(&request);
                }
                Err(TransportError::Unreachable)
            }
        }
    }
}

/// One device's connection to the network.
pub struct Link {
    net: Arc<Network>,
    device: usize,
}

impl Transport for Link {
    fn post(
        &self,
        path: &str,
        bearer: Option<&str>,
        body: &[u8],
    ) -> Result<Response, TransportError> {
        let request = post_request(path, bearer, body, &format!("device-{}", self.device));
        let answer = self.net.send(self.device, request)?;
        Ok(Response {
            status: answer.status,
            body: answer.body,
        })
    }
}

/// Whether `SIM_TRACE` asks for every request and answer on stderr.
fn trace() -> bool {
    static TRACE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *TRACE.get_or_init(|| std::env::var_os("SIM_TRACE").is_some())
}

/// One line per exchange: the path, what a sync request carried, what came back.
fn describe(
    device: usize,
    request: &ApiRequest,
    answer: &Result<ApiResponse, TransportError>,
) -> String {
    let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap_or_default();
    let sent = match request.path.as_str() {
        "/v1/sync/pull" => format!("cursors {}", body["cursors"]),
        "/v1/sync/push" => format!(
            "{:?}",
            body["mutations"]
                .as_array()
                .map(|ms| {
                    ms.iter()
                        .map(|m| {
                            let id = m["row_id"].as_str().unwrap_or_default();
                            format!(
                                "{} {} {}",
                                m["op"].as_str().unwrap_or_default(),
                                m["collection"].as_str().unwrap_or_default(),
                                &id[id.len().saturating_sub(6)..]
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        ),
        _ => String::new(),
    };
    let got = match answer {
        Err(e) => format!("{e:?}"),
        Ok(a) => {
            let body: serde_json::Value = serde_json::from_slice(&a.body).unwrap_or_default();
            let scopes: Vec<String> = body["scopes"]
                .as_array()
                .map(|scopes| {
                    scopes
                        .iter()
                        .map(|s| {
                            format!(
                                "{}:{}@{}{}{}",
                                s["scope"].as_str().unwrap_or_default(),
                                s["changes"].as_array().map_or(0, Vec::len),
                                s["cursor"],
                                if s["has_more"] == true { "+more" } else { "" },
                                if s["reset"] == true { "+reset" } else { "" }
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let results: Vec<String> = body["results"]
                .as_array()
                .map(|r| {
                    r.iter()
                        .map(|r| format!("{}{}", r["status"], r["reason"]))
                        .collect()
                })
                .unwrap_or_default();
            format!(
                "{} {scopes:?} revoked {} {results:?}",
                a.status, body["revoked"]
            )
        }
    };
    format!("device {device} {} {sent} -> {got}", request.path)
}
