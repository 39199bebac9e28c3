//! The recovery key: 160 random bits written as eight groups of four characters
//! (Crockford base32: no I, L, O or U, so it reads aloud and types back cleanly).

use zeroize::{Zeroize, Zeroizing};

/// Bytes of randomness in a recovery key.
pub const KEY_BYTES: usize = 20;
/// Groups of four characters in the written key.
pub const GROUPS: usize = 8;
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A recovery key in its canonical written form (32 characters, no separators).
#[derive(Clone, PartialEq, Eq, Zeroize)]
#[zeroize(drop)]
pub struct RecoveryKey(String);

impl std::fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryKey(..)")
    }
}

/// Why a typed recovery key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecoveryKeyError {
    #[error("A recovery key has 32 characters in 8 groups of 4; this one has {0}.")]
    WrongLength(usize),
    #[error("A recovery key holds only the letters and digits printed on the sheet.")]
    BadCharacter,
}

impl RecoveryKey {
    /// Writes 20 random bytes (from the caller's generator) as a key.
    pub fn from_random(bytes: &[u8; KEY_BYTES]) -> Self {
        let mut out = String::with_capacity(32);
        let mut buffer: u64 = 0;
        let mut bits = 0u32;
        for &b in bytes {
            buffer = (buffer << 8) | u64::from(b);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                let index = ((buffer >> bits) & 31) as usize;
                out.push(char::from(ALPHABET[index]));
            }
        }
        buffer.zeroize();
        Self(out)
    }

    /// Reads a key as a person typed it: any case, with spaces or dashes,
    /// and the look-alikes O→0, I/L→1.
    pub fn parse(typed: &str) -> Result<Self, RecoveryKeyError> {
        let mut out = Zeroizing::new(String::with_capacity(32));
        for c in typed.chars() {
            if c == '-' || c.is_whitespace() {
                continue;
            }
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                other => other,
            };
            if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) {
                return Err(RecoveryKeyError::BadCharacter);
            }
            out.push(c);
        }
        if out.len() != KEY_BYTES * 8 / 5 {
            return Err(RecoveryKeyError::WrongLength(out.len()));
        }
        Ok(Self(out.as_str().to_string()))
    }

    /// The canonical characters, used as the secret for the key slot.
    pub fn canonical(&self) -> &str {
        &self.0
    }

    /// The key as printed: eight groups of four joined by dashes.
    pub fn grouped(&self) -> Zeroizing<String> {
        let groups: Vec<&str> = (0..GROUPS).map(|i| &self.0[i * 4..i * 4 + 4]).collect();
        Zeroizing::new(groups.join("-"))
    }

    /// Group `n` (1-based) of the printed key.
    pub fn group(&self, n: usize) -> Option<&str> {
        if n == 0 || n > GROUPS {
            return None;
        }
        Some(&self.0[(n - 1) * 4..n * 4])
    }

    /// True when `typed` matches group `n` of the key (same reading rules as `parse`).
    pub fn group_matches(&self, n: usize, typed: &str) -> bool {
        let normalised: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                other => other,
            })
            .collect();
        self.group(n) == Some(normalised.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_known_bytes() {
        let key = RecoveryKey::from_random(&[0u8; KEY_BYTES]);
        assert_eq!(key.canonical(), "0".repeat(32));
        let key = RecoveryKey::from_random(&[0xffu8; KEY_BYTES]);
        assert_eq!(key.canonical(), "Z".repeat(32));
        let mut bytes = [0u8; KEY_BYTES];
        bytes[0] = 0b0000_1000; // first five bits 00001 -> '1'
        assert!(RecoveryKey::from_random(&bytes)
            .canonical()
            .starts_with('1'));
    }

    #[test]
    fn grouped_form_round_trips_through_parse() {
        let bytes: [u8; KEY_BYTES] = core::array::from_fn(|i| (i as u8).wrapping_mul(37));
        let key = RecoveryKey::from_random(&bytes);
        let grouped = key.grouped();
        assert_eq!(grouped.len(), 39);
        assert_eq!(grouped.matches('-').count(), 7);
        let typed = grouped.to_lowercase().replace('0', "o").replace('-', " ");
        assert_eq!(RecoveryKey::parse(&typed), Ok(key.clone()));
    }

    #[test]
    fn refuses_bad_typing() {
        assert_eq!(
            RecoveryKey::parse("ABCD"),
            Err(RecoveryKeyError::WrongLength(4))
        );
        assert_eq!(
            RecoveryKey::parse(&"U".repeat(32)),
            Err(RecoveryKeyError::BadCharacter)
        );
    }

    #[test]
    fn group_checks_are_forgiving_of_case_and_lookalikes() {
        let key = RecoveryKey::parse("0123-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXYZ").expect("valid");
        assert!(key.group_matches(1, "o123"));
        assert!(key.group_matches(8, "wxyz"));
        assert!(!key.group_matches(2, "4568"));
        assert!(!key.group_matches(9, "0000"));
    }
}
