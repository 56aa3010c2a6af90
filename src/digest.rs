//! SHA-256 digests as flyerpress records them: lowercase hex, and over several parts
//! each prefixed by its length, so that no two different lists of parts hash alike.

use sha2::{Digest as _, Sha256};

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0xf)]));
    }
    text
}

/// The SHA-256 of bytes.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// The SHA-256 of bytes, in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&sha256(bytes))
}

/// A SHA-256 over parts: `Parts::default().part(a).part(b).hex()`.
#[derive(Default)]
pub struct Parts(Sha256);

impl Parts {
    /// Adds one part, prefixed by its length.
    pub fn part(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    /// The digest of the parts so far, in hex.
    pub fn hex(&self) -> String {
        hex(&self.0.clone().finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_lowercase_two_digits_a_byte() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn parts_are_delimited() {
        let ab_c = Parts::default().part(b"ab").part(b"c").hex();
        let a_bc = Parts::default().part(b"a").part(b"bc").hex();
        assert_ne!(ab_c, a_bc);
        assert_eq!(ab_c.len(), 64);
    }
}
