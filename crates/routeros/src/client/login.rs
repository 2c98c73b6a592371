//! Logging in before the connection is multiplexed (protocol-facts §1.7).
//!
//! The hybrid method works on both generations: send the plain login; a router older than 6.43
//! ignores the password and answers with an MD5 challenge in `=ret=`, which we then answer.
//! Login runs untagged and alone, as every client does, because a router accepts only a few
//! small sentences before login.

use md5::{Digest, Md5};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};

use crate::codec::{self, ReadError};
use crate::error::{Error, Result};
use crate::sentence::{Reply, ReplyKind, Row};

/// The challenge response: `"00"` and the hex MD5 of a zero byte, the password and the
/// decoded challenge.
pub fn challenge_response(challenge_hex: &str, password: &str) -> Result<String> {
    let challenge = decode_hex(challenge_hex)
        .ok_or_else(|| Error::protocol(format!("login challenge {challenge_hex:?} is not hex")))?;
    let mut md5 = Md5::new();
    md5.update([0u8]);
    md5.update(password.as_bytes());
    md5.update(&challenge);
    let mut response = String::from("00");
    for byte in md5.finalize() {
        response.push_str(&format!("{byte:02x}"));
    }
    Ok(response)
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

pub(crate) async fn login<R, W>(
    reader: &mut R,
    writer: &mut W,
    user: &str,
    password: &str,
) -> Result<()>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let done = exchange(
        reader,
        writer,
        &[
            "/login".into(),
            format!("=name={user}"),
            format!("=password={password}"),
        ],
    )
    .await?;
    let Some(challenge) = done.get("ret") else {
        return Ok(());
    };
    tracing::debug!("router asked for the pre-6.43 challenge login");
    let response = challenge_response(challenge, password)?;
    exchange(
        reader,
        writer,
        &[
            "/login".into(),
            format!("=name={user}"),
            format!("=response={response}"),
        ],
    )
    .await?;
    Ok(())
}

/// Sends one login sentence and reads up to its `!done`, returning the `!done` attributes.
async fn exchange<R, W>(reader: &mut R, writer: &mut W, words: &[String]) -> Result<Row>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    writer
        .write_all(&codec::encode_sentence(words))
        .await
        .map_err(|e| lost(e.into()))?;
    writer.flush().await.map_err(|e| lost(e.into()))?;
    let mut refusal = None;
    loop {
        let words = codec::read_sentence(reader).await.map_err(lost)?;
        let reply = Reply::parse(&words)?;
        match reply.kind {
            ReplyKind::Done => {
                return match refusal {
                    Some(message) => Err(Error::LoginFailed { message }),
                    None => Ok(reply.attributes),
                };
            }
            ReplyKind::Trap => refusal = Some(reply.trap_message()),
            ReplyKind::Fatal => {
                return Err(Error::Fatal {
                    reason: reply.fatal_reason(),
                });
            }
            ReplyKind::Re | ReplyKind::Empty | ReplyKind::Unknown(_) => {}
        }
    }
}

fn lost(e: ReadError) -> Error {
    match e {
        ReadError::Decode(d) => d.into(),
        other => Error::ConnectionLost {
            reason: format!("during login: {other}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_challenges_are_protocol_errors() {
        assert!(challenge_response("xyz", "").is_err());
        assert!(challenge_response("abc", "").is_err());
    }
}
