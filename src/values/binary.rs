//! Base64 for `BinaryEquals` (docs/semantics.md §4): the standard alphabet
//! (RFC 4648 §4) with padding, strict.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Decodes strict base64: length a multiple of 4, `=` padding only at the
/// end, no whitespace, and unused bits of the last group zero (so every
/// byte string has exactly one spelling). The empty string decodes to no
/// bytes.
///
/// # Errors
/// A message naming the value.
pub fn decode(text: &str) -> Result<Vec<u8>, String> {
    let bad = |why: &str| format!("`{text}` is not base64{why}");
    let bytes = text.as_bytes();
    if bytes.len() % 4 != 0 {
        return Err(bad(": the length must be a multiple of 4 (pad with `=`)"));
    }
    let pad = bytes.iter().rev().take_while(|b| **b == b'=').count();
    if pad > 2 {
        return Err(bad(""));
    }
    let body = bytes.get(..bytes.len() - pad).unwrap_or_default();
    let mut sextets = Vec::with_capacity(body.len());
    for &b in body {
        let v = ALPHABET.iter().position(|a| *a == b).ok_or_else(|| bad(""))?;
        sextets.push(v as u32);
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    for chunk in sextets.chunks(4) {
        let mut group = 0u32;
        for (i, s) in chunk.iter().enumerate() {
            group |= s << (18 - 6 * i);
        }
        let n = chunk.len() * 6 / 8;
        let used = 24 - 8 * n as u32;
        if chunk.len() < 4 && group & ((1 << used) - 1) != 0 {
            return Err(bad(": non-zero bits in the padding"));
        }
        out.extend((0..n).map(|i| (group >> (16 - 8 * i)) as u8));
    }
    Ok(out)
}

/// Encodes bytes as padded standard base64.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let mut group = 0u32;
        for (i, b) in chunk.iter().enumerate() {
            group |= u32::from(*b) << (16 - 8 * i);
        }
        for i in 0..4 {
            if i <= chunk.len() {
                let sextet = (group >> (18 - 6 * i)) & 63;
                out.extend(ALPHABET.get(sextet as usize).map(|b| char::from(*b)));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4648_vectors() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(encode(plain.as_bytes()), coded);
            assert_eq!(decode(coded).unwrap(), plain.as_bytes());
        }
        assert_eq!(decode("+/+/").unwrap(), vec![0xfb, 0xff, 0xbf]);
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(decode(&encode(&all)).unwrap(), all);
    }

    #[test]
    fn rejects_non_strict_base64() {
        for text in [
            "Zg", "Zg=", "Zg===", "Z===", "Zh==", "Zm9=", "Zm 9v", "Zm9v\n", "Zm-v", "Zm_v",
            "=Zm9", "Zg==Zg==", "Z=g=",
        ] {
            assert!(decode(text).is_err(), "{text}");
        }
        assert!(decode("Zh==").unwrap_err().contains("padding"));
    }
}
