//! The router's side: packets sent with the real `radclient` (freeradius-utils) and its
//! `-x` output read back into attributes.

use std::io::Write;
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::{Error, Result};

pub(crate) const RADCLIENT: &str = "/usr/bin/radclient";

/// FreeRADIUS's answer to an Access-Request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthReply {
    /// Access-Accept (true) or Access-Reject (false).
    pub accepted: bool,
    /// The reply's attributes in packet order, named as FreeRADIUS prints them
    /// (`Mikrotik-Rate-Limit`), values unquoted (`5M/10M`, `3600`, `0x…` for octets).
    pub attributes: Vec<(String, String)>,
}

impl AuthReply {
    /// The first value of an attribute.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of an attribute, in packet order.
    pub fn get_all(&self, name: &str) -> Vec<&str> {
        self.attributes
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// Any reply `radclient` received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The packet type as radclient prints it: `Access-Accept`, `Accounting-Response`, …
    pub code: String,
    pub attributes: Vec<(String, String)>,
}

/// `Acct-Status-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcctStatus {
    Start,
    InterimUpdate,
    Stop,
}

impl AcctStatus {
    fn as_radius(self) -> &'static str {
        match self {
            AcctStatus::Start => "Start",
            AcctStatus::InterimUpdate => "Interim-Update",
            AcctStatus::Stop => "Stop",
        }
    }
}

/// An Accounting-Request as a MikroTik router sends it (the attributes that matter to the
/// SQL queries; more go in `extra`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcctPacket {
    pub status: AcctStatus,
    pub user: String,
    /// `Acct-Session-Id`; with user and NAS address it makes FreeRADIUS's unique id.
    pub session_id: String,
    /// `NAS-IP-Address` as the router writes it (not necessarily the packet's source).
    pub nas_ip: Ipv4Addr,
    pub framed_ip: Option<Ipv4Addr>,
    /// `Acct-Input-Octets`: from the client, i.e. upload (low 32 bits).
    pub input_octets: u32,
    pub output_octets: u32,
    /// `Acct-Input-Gigawords`: bits 32–63 of the input byte count.
    pub input_gigawords: u32,
    pub output_gigawords: u32,
    /// `Acct-Session-Time`, seconds.
    pub session_time: u32,
    /// `Acct-Terminate-Cause` (Stop only), e.g. `User-Request`, `Lost-Carrier`.
    pub terminate_cause: Option<String>,
    /// Further attributes, written as radclient reads them: `("Calling-Station-Id",
    /// "\"AA:BB:CC:DD:EE:FF\"")` — quote string values yourself.
    pub extra: Vec<(String, String)>,
}

impl AcctPacket {
    /// A packet from NAS address 127.0.0.1 with zero counters.
    pub fn new(status: AcctStatus, user: &str, session_id: &str) -> AcctPacket {
        AcctPacket {
            status,
            user: user.to_owned(),
            session_id: session_id.to_owned(),
            nas_ip: Ipv4Addr::LOCALHOST,
            framed_ip: None,
            input_octets: 0,
            output_octets: 0,
            input_gigawords: 0,
            output_gigawords: 0,
            session_time: 0,
            terminate_cause: None,
            extra: Vec::new(),
        }
    }

    fn attributes(&self) -> Result<Vec<(String, String)>> {
        let mut a = vec![
            ("Acct-Status-Type".into(), self.status.as_radius().into()),
            ("User-Name".into(), string(&self.user)?),
            ("Acct-Session-Id".into(), string(&self.session_id)?),
            ("NAS-IP-Address".into(), self.nas_ip.to_string()),
        ];
        if let Some(ip) = self.framed_ip {
            a.push(("Framed-IP-Address".into(), ip.to_string()));
        }
        if self.status != AcctStatus::Start {
            for (name, value) in [
                ("Acct-Input-Octets", self.input_octets),
                ("Acct-Output-Octets", self.output_octets),
                ("Acct-Input-Gigawords", self.input_gigawords),
                ("Acct-Output-Gigawords", self.output_gigawords),
                ("Acct-Session-Time", self.session_time),
            ] {
                a.push((name.into(), value.to_string()));
            }
        }
        if let Some(cause) = &self.terminate_cause {
            a.push(("Acct-Terminate-Cause".into(), cause.clone()));
        }
        a.extend(self.extra.iter().cloned());
        Ok(a)
    }
}

/// Which port and `radclient` command a packet goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PacketKind {
    /// Access-Request to the auth port.
    Auth,
    /// Accounting-Request to the accounting port.
    Acct,
}

/// A router as FreeRADIUS sees it: a source address and the shared secret of its `nas` row.
///
/// The source address is set with radclient's `Packet-Src-IP-Address`; any address in
/// 127.0.0.0/8 works on Linux without configuration, so one test can play several routers
/// (127.0.0.1, 127.0.0.2, …), each of which needs its own `nas` row.
#[derive(Debug, Clone)]
pub struct Nas {
    pub(crate) auth_port: u16,
    pub(crate) acct_port: u16,
    pub(crate) dictionaries: PathBuf,
    pub(crate) source: Ipv4Addr,
    pub(crate) secret: String,
    pub(crate) timeout: Duration,
}

impl Nas {
    /// How long radclient waits for the answer (default 3 s; it sends once: loopback loses
    /// nothing). radclient waits about a second at least, whatever is asked.
    pub fn timeout(mut self, timeout: Duration) -> Nas {
        self.timeout = timeout;
        self
    }

    /// PAP, as `radtest` sends it, with a Message-Authenticator as RouterOS v7 adds.
    pub fn auth(&self, user: &str, password: &str) -> Result<AuthReply> {
        self.access_request(vec![
            ("User-Name".into(), string(user)?),
            ("User-Password".into(), string(password)?),
        ])
    }

    /// CHAP, as a MikroTik hotspot logs in by default: radclient turns the clear-text
    /// `CHAP-Password` into the CHAP response over our `CHAP-Challenge`.
    pub fn auth_chap(&self, user: &str, password: &str) -> Result<AuthReply> {
        self.access_request(vec![
            ("User-Name".into(), string(user)?),
            ("CHAP-Challenge".into(), chap_challenge()),
            ("CHAP-Password".into(), string(password)?),
        ])
    }

    fn access_request(&self, mut attributes: Vec<(String, String)>) -> Result<AuthReply> {
        attributes.push(("NAS-IP-Address".into(), self.source.to_string()));
        attributes.push(("Message-Authenticator".into(), "0x00".into()));
        let reply = self.send(PacketKind::Auth, &attributes)?;
        let accepted = match reply.code.as_str() {
            "Access-Accept" => true,
            "Access-Reject" => false,
            other => {
                return Err(Error::UnreadableReply {
                    detail: format!("expected Access-Accept or Access-Reject, got {other}"),
                    output: format!("{reply:?}"),
                });
            }
        };
        Ok(AuthReply {
            accepted,
            attributes: reply.attributes,
        })
    }

    /// Sends an Accounting-Request; succeeds when FreeRADIUS answers, which it does only
    /// after the accounting section (the SQL write included) succeeded.
    pub fn accounting(&self, packet: &AcctPacket) -> Result<()> {
        let reply = self.send(PacketKind::Acct, &packet.attributes()?)?;
        if reply.code == "Accounting-Response" {
            Ok(())
        } else {
            Err(Error::UnreadableReply {
                detail: format!("expected Accounting-Response, got {}", reply.code),
                output: format!("{reply:?}"),
            })
        }
    }

    /// Sends any packet. Attribute values are written exactly as given, one `Name = value`
    /// line each, so quote string values (`"\"bob\""`).
    pub fn send(&self, kind: PacketKind, attributes: &[(String, String)]) -> Result<Reply> {
        let (port, command) = match kind {
            PacketKind::Auth => (self.auth_port, "auth"),
            PacketKind::Acct => (self.acct_port, "acct"),
        };
        let mut input = String::new();
        for (name, value) in attributes {
            if value.contains(['\n', '\r']) || name.contains(['\n', '\r']) {
                return Err(Error::InvalidAttribute {
                    what: format!("{name} = {value:?}"),
                    detail: "radclient reads one attribute a line".into(),
                });
            }
            input.push_str(&format!("{name} = {value}\n"));
        }
        if self.source != Ipv4Addr::LOCALHOST {
            input.push_str(&format!("Packet-Src-IP-Address = {}\n", self.source));
        }
        let mut child = Command::new(RADCLIENT)
            .arg("-x")
            .arg("-4")
            .args(["-r", "1"])
            .args(["-t", &format!("{:.3}", self.timeout.as_secs_f64())])
            .arg("-d")
            .arg(&self.dictionaries)
            .arg(format!("127.0.0.1:{port}"))
            .arg(command)
            .arg(&self.secret)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(Error::io("start radclient"))?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(input.as_bytes())
                .map_err(Error::io("write to radclient"))?;
        }
        let output = child
            .wait_with_output()
            .map_err(Error::io("wait for radclient"))?;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        match parse_received(&text)? {
            Some(reply) => Ok(reply),
            None => Err(Error::NoAnswer {
                packet: format!("{command} packet from {}", self.source),
                output: text,
            }),
        }
    }
}

/// Quotes a string value for radclient's input.
fn string(value: &str) -> Result<String> {
    if value.contains(['\n', '\r']) {
        return Err(Error::InvalidAttribute {
            what: format!("{value:?}"),
            detail: "radclient reads one attribute a line".into(),
        });
    }
    Ok(format!(
        "\"{}\"",
        value.replace('\\', "\\\\").replace('"', "\\\"")
    ))
}

/// 16 bytes that differ between calls, like the challenge a hotspot login page embeds.
fn chap_challenge() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mixed = nanos ^ (u128::from(std::process::id()) << 64) ^ (u128::from(n) << 96);
    format!("0x{mixed:032x}")
}

/// The reply in radclient's `-x` output: a `Received <Type> Id …` line followed by
/// tab-indented `Name = value` lines.
pub(crate) fn parse_received(output: &str) -> Result<Option<Reply>> {
    let mut lines = output.lines();
    let Some(header) = lines.by_ref().find(|l| l.starts_with("Received ")) else {
        return Ok(None);
    };
    let code = header
        .split_whitespace()
        .nth(1)
        .ok_or_else(|| Error::UnreadableReply {
            detail: "no packet type after 'Received'".into(),
            output: output.to_owned(),
        })?
        .to_owned();
    let mut attributes = Vec::new();
    for line in lines.take_while(|l| l.starts_with('\t')) {
        let (name, value) =
            line.trim()
                .split_once(" = ")
                .ok_or_else(|| Error::UnreadableReply {
                    detail: format!("attribute line without ' = ': {line:?}"),
                    output: output.to_owned(),
                })?;
        attributes.push((name.to_owned(), unquote(value)));
    }
    Ok(Some(Reply { code, attributes }))
}

/// A value as FreeRADIUS prints it, without its quotes and escapes.
fn unquote(value: &str) -> String {
    let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) else {
        return value.to_owned();
    };
    let mut bytes = Vec::with_capacity(inner.len());
    let mut chars = inner.bytes().peekable();
    while let Some(b) = chars.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match chars.next() {
            Some(b'n') => bytes.push(b'\n'),
            Some(b'r') => bytes.push(b'\r'),
            Some(b't') => bytes.push(b'\t'),
            Some(d @ b'0'..=b'7') => {
                let mut n = u32::from(d - b'0');
                for _ in 0..2 {
                    match chars.peek() {
                        Some(d @ b'0'..=b'7') => {
                            n = n * 8 + u32::from(d - b'0');
                            chars.next();
                        }
                        _ => break,
                    }
                }
                bytes.push(u8::try_from(n).unwrap_or(b'?'));
            }
            Some(other) => bytes.push(other),
            None => bytes.push(b'\\'),
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCEPT: &str = "Sent Access-Request Id 171 from 0.0.0.0:59198 to 127.0.0.1:1812 length 60
\tUser-Name = \"u1\"
\tUser-Password = \"p1\"
Received Access-Accept Id 171 from 127.0.0.1:1812 to 127.0.0.1:59198 length 55
\tMikrotik-Rate-Limit = \"5M/10M\"
\tReply-Message = \"he said \\\"hi\\\" \\\\ back \\303\\251\"
\tSession-Timeout = 3600
\tMessage-Authenticator = 0x8320e7d58a7dd4c739bcbe34a91e54d4
(0) -: Expected Access-Accept got Access-Reject
";

    #[test]
    fn reads_the_received_packet_only() {
        let reply = parse_received(ACCEPT).unwrap().unwrap();
        assert_eq!(reply.code, "Access-Accept");
        assert_eq!(
            reply.attributes,
            [
                ("Mikrotik-Rate-Limit".to_owned(), "5M/10M".to_owned()),
                (
                    "Reply-Message".to_owned(),
                    "he said \"hi\" \\ back é".to_owned()
                ),
                ("Session-Timeout".to_owned(), "3600".to_owned()),
                (
                    "Message-Authenticator".to_owned(),
                    "0x8320e7d58a7dd4c739bcbe34a91e54d4".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn no_received_line_is_no_answer() {
        let out = "Sent Access-Request Id 1 from 0.0.0.0:1 to 127.0.0.1:2 length 20\n\
                   (0) No reply from server for ID 1 socket 3\n";
        assert_eq!(parse_received(out).unwrap(), None);
    }

    #[test]
    fn strings_are_quoted_for_radclient() {
        assert_eq!(string(r#"a"b\c"#).unwrap(), r#""a\"b\\c""#);
        assert!(string("a\nb").is_err());
    }
}
