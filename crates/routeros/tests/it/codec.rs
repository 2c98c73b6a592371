//! The wire format against every vector in protocol-facts §1.2, §1.3 and §1.7.

use proptest::prelude::*;
use rstest::rstest;

use routeros_api::codec::{
    DecodeError, decode_length, decode_sentence, encode_length, encode_sentence, read_sentence,
};
use routeros_api::{Reply, challenge_response};

fn encoded(len: u32) -> Vec<u8> {
    let mut out = Vec::new();
    encode_length(len, &mut out);
    out
}

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

/// librouteros 4.2.2 `encode_length` boundary table, plus go-routeros's writer/reader vectors
/// including the five-byte form.
#[rstest]
#[case(0x00, "00")]
#[case(0x7F, "7f")]
#[case(0x80, "80 80")]
#[case(0xFF, "80 ff")]
#[case(0x100, "81 00")]
#[case(0x3FFF, "bf ff")]
#[case(0x4000, "c0 40 00")]
#[case(0x1F_FFFF, "df ff ff")]
#[case(0x20_0000, "e0 20 00 00")]
#[case(0xFFF_FFFF, "ef ff ff ff")]
#[case(0x1000_0000, "f0 10 00 00 00")]
#[case(0x01, "01")]
#[case(0x87, "80 87")]
#[case(0x4321, "c0 43 21")]
#[case(0x2A_CDEF, "e0 2a cd ef")]
#[case(0x1000_0080, "f0 10 00 00 80")]
fn length_vectors_encode_and_decode(#[case] len: u32, #[case] bytes: &str) {
    let bytes = hex(bytes);
    assert_eq!(encoded(len), bytes);
    assert_eq!(decode_length(&bytes), Ok(Some((len, bytes.len()))));
}

/// routeros-api-php `APILengthCoDecTest`: encoded value → length.
#[rstest]
#[case("39", 0x39)]
#[case("80 80", 0x80)]
#[case("9c 42", 0x1C42)]
#[case("bf ff", 0x3FFF)]
#[case("c0 40 00", 0x4000)]
#[case("ca d7 3b", 0xA_D73B)]
#[case("df ff ff", 0x1F_FFFF)]
#[case("e0 20 00 00", 0x20_0000)]
#[case("e5 ad 73 6b", 0x5AD_736B)]
#[case("ef ff ff ff", 0xFFF_FFFF)]
#[case("f0 10 00 00 00", 0x1000_0000)]
fn php_decode_vectors(#[case] bytes: &str, #[case] len: u32) {
    let bytes = hex(bytes);
    assert_eq!(decode_length(&bytes), Ok(Some((len, bytes.len()))));
}

#[rstest]
#[case(0xF8)]
#[case(0xFC)]
#[case(0xFF)]
fn control_bytes_are_rejected(#[case] first: u8) {
    assert_eq!(
        decode_length(&[first, 0, 0, 0, 0]),
        Err(DecodeError::ControlByte(first))
    );
}

/// The PHP library's own F1–F7 extension is not RouterOS's: refused, never misread.
#[rstest]
#[case("f1 0d 4e f9 c3")]
#[case("f7 ff ff ff ff")]
fn extended_prefixes_are_unsupported(#[case] bytes: &str) {
    let bytes = hex(bytes);
    assert_eq!(
        decode_length(&bytes),
        Err(DecodeError::UnsupportedLength(bytes[0]))
    );
}

#[test]
fn login_sentence_matches_librouteros() {
    let bytes = encode_sentence(&["/login", "=name=admin", "=password=secret"]);
    assert_eq!(
        bytes,
        hex(
            "06 2f 6c 6f 67 69 6e 0b 3d 6e 61 6d 65 3d 61 64 6d 69 6e 10 3d 70 61 73 73 77 6f 72 64 3d 73 65 63 72 65 74 00"
        )
    );
    let (words, used) = decode_sentence(&bytes).unwrap().unwrap();
    assert_eq!(used, bytes.len());
    assert_eq!(words, [&b"/login"[..], b"=name=admin", b"=password=secret"]);
}

#[test]
fn tagged_sentence_matches_the_doc() {
    let bytes = encode_sentence(&["/system/resource/print", ".tag=3"]);
    let mut expected = vec![0x16];
    expected.extend_from_slice(b"/system/resource/print");
    expected.extend_from_slice(&hex("06 2e 74 61 67 3d 33 00"));
    assert_eq!(bytes, expected);
}

#[test]
fn utf8_lengths_count_bytes() {
    let bytes = encode_sentence(&["=comment=ł"]);
    assert_eq!(bytes[0] as usize, "=comment=ł".len());
    assert_eq!("=comment=ł".len(), 11);
}

#[test]
fn attribute_values_keep_their_equals_signs() {
    let reply = Reply::parse(&[b"!re".to_vec(), b"=comment=a=b".to_vec()]).unwrap();
    assert_eq!(reply.attributes.get("comment"), Some("a=b"));
}

#[rstest]
#[case(
    "856780b7411eefd3abadee2058c149a3",
    "",
    "005062f7a5ef124d34675bf3e81f56c556"
)]
#[case(
    "856780b7411eefd3abadee2058c149a3",
    "admin",
    "00d63bceb0856850583d6ed1fd921ee720"
)]
#[case(
    "93b438ec9b80057c06dd9fe67d56aa9a",
    "test",
    "006ce8434a07ce6e47f59efab1386a8996"
)]
#[case(
    "00000000000000000000000000000000",
    "",
    "00f3c8bdb6b9df478f227af2ce61c8a5a1"
)]
fn login_challenge_vectors(
    #[case] challenge: &str,
    #[case] password: &str,
    #[case] response: &str,
) {
    assert_eq!(challenge_response(challenge, password).unwrap(), response);
}

/// Long words near the 2-, 3- and 4-byte boundaries, filled with a cheap pattern.
fn long_word() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        0x3FF0usize..0x4010,
        0x4010usize..70_000,
        0x1F_FFF0usize..0x20_0010,
    ]
    .prop_map(|len| (0..len).map(|i| (i % 251) as u8).collect())
}

fn word() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        // Multi-byte UTF-8 text, so character and byte counts differ.
        "[a-z=ł€🙂 ]{1,40}".prop_map(String::into_bytes),
        proptest::collection::vec(any::<u8>(), 1..300),
        long_word(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn lengths_round_trip(len in any::<u32>()) {
        let bytes = encoded(len);
        prop_assert_eq!(decode_length(&bytes), Ok(Some((len, bytes.len()))));
        // A prefix cut short asks for more rather than misreading.
        prop_assert_eq!(decode_length(&bytes[..bytes.len() - 1]), Ok(None));
    }

    #[test]
    fn sentences_round_trip(words in proptest::collection::vec(word(), 0..6)) {
        let bytes = encode_sentence(&words);
        let (decoded, used) = decode_sentence(&bytes).unwrap().unwrap();
        prop_assert_eq!(used, bytes.len());
        prop_assert_eq!(decoded, words);
        prop_assert_eq!(decode_sentence(&bytes[..bytes.len() - 1]), Ok(None));
    }

    /// The stream reader the client and simulator use agrees with the slice decoder, and
    /// reads back-to-back sentences one at a time.
    #[test]
    fn stream_reader_agrees_with_the_decoder(
        first in proptest::collection::vec(word(), 1..4),
        second in proptest::collection::vec(word(), 1..4),
    ) {
        let mut bytes = encode_sentence(&first);
        bytes.extend(encode_sentence(&second));
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let mut reader = &bytes[..];
        prop_assert_eq!(runtime.block_on(read_sentence(&mut reader)).unwrap(), first);
        prop_assert_eq!(runtime.block_on(read_sentence(&mut reader)).unwrap(), second);
        prop_assert!(reader.is_empty());
    }
}
