//! The wire format (protocol-facts §1.2–1.3): length-prefixed words, and sentences that end
//! with a zero-length word.
//!
//! The same functions serve the client and the simulator, so the two can only disagree with a
//! third-party peer, never with each other; the third-party tests guard that side.

use thiserror::Error;
use tokio::io::{AsyncRead, AsyncReadExt};

/// What makes a byte stream unreadable as RouterOS words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum DecodeError {
    /// The spec reserves first bytes from 0xF8 up as control bytes; after one, nothing that
    /// follows can be framed.
    #[error("control byte {0:#04x} where a word length was expected")]
    ControlByte(u8),
    /// 0xF1–0xF7 would carry lengths beyond 32 bits, which the spec says are unsupported (one
    /// PHP library invents a meaning for them; RouterOS does not).
    #[error("length prefix {0:#04x} is not defined by the RouterOS API")]
    UnsupportedLength(u8),
}

/// Why a word or sentence could not be read from a stream.
#[derive(Debug, Error)]
pub enum ReadError {
    /// The peer closed the stream cleanly between two sentences.
    #[error("connection closed")]
    Closed,
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Decode(#[from] DecodeError),
}

/// Appends the length prefix of a word of `len` bytes.
pub fn encode_length(len: u32, out: &mut Vec<u8>) {
    match len {
        0..0x80 => out.push(len as u8),
        0x80..0x4000 => out.extend_from_slice(&((len | 0x8000) as u16).to_be_bytes()),
        0x4000..0x20_0000 => out.extend_from_slice(&(len | 0xC0_0000).to_be_bytes()[1..]),
        0x20_0000..0x1000_0000 => out.extend_from_slice(&(len | 0xE000_0000).to_be_bytes()),
        _ => {
            out.push(0xF0);
            out.extend_from_slice(&len.to_be_bytes());
        }
    }
}

/// How many bytes the length prefix starting with `first` occupies, the first included.
pub fn length_prefix_size(first: u8) -> Result<usize, DecodeError> {
    match first {
        0x00..0x80 => Ok(1),
        0x80..0xC0 => Ok(2),
        0xC0..0xE0 => Ok(3),
        0xE0..0xF0 => Ok(4),
        0xF0 => Ok(5),
        0xF1..0xF8 => Err(DecodeError::UnsupportedLength(first)),
        _ => Err(DecodeError::ControlByte(first)),
    }
}

/// Decodes a complete length prefix (as many bytes as [`length_prefix_size`] says).
fn length_from_prefix(prefix: &[u8]) -> u32 {
    let mut value = 0u32;
    let payload = if prefix[0] == 0xF0 {
        &prefix[1..]
    } else {
        prefix
    };
    for byte in payload {
        value = (value << 8) | u32::from(*byte);
    }
    match prefix.len() {
        1 | 5 => value,
        2 => value ^ 0x8000,
        3 => value ^ 0xC0_0000,
        _ => value ^ 0xE000_0000,
    }
}

/// Decodes the length prefix at the start of `bytes`: the length and how many bytes the prefix
/// took, or `None` when `bytes` holds only part of the prefix.
pub fn decode_length(bytes: &[u8]) -> Result<Option<(u32, usize)>, DecodeError> {
    let Some(&first) = bytes.first() else {
        return Ok(None);
    };
    let size = length_prefix_size(first)?;
    if bytes.len() < size {
        return Ok(None);
    }
    Ok(Some((length_from_prefix(&bytes[..size]), size)))
}

/// Appends one word: its length prefix, then its bytes.
///
/// # Panics
/// On a word of 4 GiB or more, which the protocol cannot frame; no caller builds one.
pub fn encode_word(word: &[u8], out: &mut Vec<u8>) {
    let len = u32::try_from(word.len()).expect("a RouterOS word is shorter than 4 GiB");
    encode_length(len, out);
    out.extend_from_slice(word);
}

/// Encodes a whole sentence, terminator included.
pub fn encode_sentence<W: AsRef<[u8]>>(words: &[W]) -> Vec<u8> {
    let mut out = Vec::with_capacity(words.iter().map(|w| w.as_ref().len() + 2).sum::<usize>() + 1);
    for word in words {
        encode_word(word.as_ref(), &mut out);
    }
    out.push(0);
    out
}

/// A decoded sentence and how many bytes it took.
pub type Decoded = (Vec<Vec<u8>>, usize);

/// Decodes the sentence at the start of `bytes`: its words and the bytes it took, or `None`
/// when the sentence is not complete yet. An empty sentence (a lone terminator) decodes to no
/// words; the stream reader skips those, as RouterOS does.
pub fn decode_sentence(bytes: &[u8]) -> Result<Option<Decoded>, DecodeError> {
    let mut words = Vec::new();
    let mut at = 0;
    loop {
        let Some((len, prefix)) = decode_length(&bytes[at..])? else {
            return Ok(None);
        };
        at += prefix;
        if len == 0 {
            return Ok(Some((words, at)));
        }
        let end = at + len as usize;
        if bytes.len() < end {
            return Ok(None);
        }
        words.push(bytes[at..end].to_vec());
        at = end;
    }
}

/// Words up to this size are read into a buffer allocated up front; longer ones grow as their
/// bytes arrive, so a hostile length prefix cannot make us allocate gigabytes for nothing.
const PREALLOCATE_LIMIT: usize = 64 * 1024;

async fn read_length<R: AsyncRead + Unpin>(reader: &mut R, first: u8) -> Result<u32, ReadError> {
    let size = length_prefix_size(first)?;
    let mut prefix = [0u8; 5];
    prefix[0] = first;
    reader.read_exact(&mut prefix[1..size]).await?;
    Ok(length_from_prefix(&prefix[..size]))
}

async fn read_body<R: AsyncRead + Unpin>(reader: &mut R, len: u32) -> Result<Vec<u8>, ReadError> {
    let len = len as usize;
    if len <= PREALLOCATE_LIMIT {
        let mut word = vec![0; len];
        reader.read_exact(&mut word).await?;
        return Ok(word);
    }
    let mut word = Vec::with_capacity(PREALLOCATE_LIMIT);
    (&mut *reader)
        .take(len as u64)
        .read_to_end(&mut word)
        .await?;
    if word.len() != len {
        return Err(std::io::Error::from(std::io::ErrorKind::UnexpectedEof).into());
    }
    Ok(word)
}

/// Reads one non-empty sentence. A clean end of stream before its first byte is
/// [`ReadError::Closed`]; an end inside it is an I/O error.
pub async fn read_sentence<R: AsyncRead + Unpin>(
    reader: &mut R,
) -> Result<Vec<Vec<u8>>, ReadError> {
    let mut words = Vec::new();
    loop {
        let first = match reader.read_u8().await {
            Ok(byte) => byte,
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && words.is_empty() => {
                return Err(ReadError::Closed);
            }
            Err(e) => return Err(e.into()),
        };
        let len = read_length(reader, first).await?;
        if len == 0 {
            if words.is_empty() {
                continue;
            }
            return Ok(words);
        }
        words.push(read_body(reader, len).await?);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_prefix_and_partial_sentence_ask_for_more() {
        assert_eq!(decode_length(&[0xC0, 0x40]), Ok(None));
        assert_eq!(decode_sentence(&[0x03, b'a', b'b']), Ok(None));
        assert_eq!(decode_sentence(&[0x01, b'a']), Ok(None));
    }

    #[test]
    fn empty_sentence_decodes_to_no_words() {
        assert_eq!(decode_sentence(&[0]), Ok(Some((vec![], 1))));
    }

    #[tokio::test]
    async fn reader_skips_empty_sentences_and_reports_clean_close() {
        let bytes = [0u8, 0, 2, b'!', b'x', 0];
        let mut reader = &bytes[..];
        assert_eq!(
            read_sentence(&mut reader).await.unwrap(),
            vec![b"!x".to_vec()]
        );
        assert!(matches!(
            read_sentence(&mut reader).await,
            Err(ReadError::Closed)
        ));
    }

    #[tokio::test]
    async fn reader_reports_truncation_inside_a_sentence_as_io() {
        let bytes = [5u8, b'!', b'd'];
        let mut reader = &bytes[..];
        assert!(matches!(
            read_sentence(&mut reader).await,
            Err(ReadError::Io(_))
        ));
    }

    #[tokio::test]
    async fn reader_reads_long_words_incrementally() {
        let word = vec![b'x'; PREALLOCATE_LIMIT * 3 + 7];
        let bytes = encode_sentence(&[&word]);
        let mut reader = &bytes[..];
        assert_eq!(read_sentence(&mut reader).await.unwrap(), vec![word]);
    }
}
