//! Key slots: the vault's random data key, wrapped once per passphrase (Argon2id) and once
//! for the recovery key. They live beside the database in a small JSON file, written atomically.

use std::path::Path;

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::rngs::OsRng;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::{Result, StoreError};

/// The vault's 256-bit data key.
pub type DataKey = Zeroizing<[u8; 32]>;

const FILE_FORMAT: u32 = 1;

/// Argon2id cost settings, stored with each slot so they can be raised later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KdfParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for KdfParams {
    /// 128 MiB, 3 passes, 1 lane: far above the m=19 MiB, t=2 floor while unlock stays
    /// well inside its one-second budget (see the unlock benchmark).
    fn default() -> Self {
        Self {
            memory_kib: 128 * 1024,
            iterations: 3,
            parallelism: 1,
        }
    }
}

impl KdfParams {
    /// The weakest settings accepted when reading a slot (OWASP's Argon2id floor).
    fn is_strong_enough(&self) -> bool {
        self.memory_kib >= 19 * 1024 && self.iterations >= 2 && self.parallelism >= 1
    }
}

/// What a slot opens the vault for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SlotKind {
    Passphrase,
    Recovery,
}

/// One wrapped copy of the data key.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Slot {
    pub id: String,
    pub kind: SlotKind,
    /// The user whose passphrase this is; none for the recovery slot.
    pub user_id: Option<i64>,
    pub kdf: KdfParams,
    pub salt: String,
    pub nonce: String,
    pub wrapped: String,
}

/// The whole key-slot file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlotFile {
    pub format: u32,
    pub slots: Vec<Slot>,
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    OsRng.fill_bytes(&mut out);
    out
}

/// A fresh random data key.
pub fn new_data_key() -> DataKey {
    Zeroizing::new(random_bytes::<32>())
}

fn derive(secret: &[u8], salt: &[u8], kdf: &KdfParams) -> Result<Zeroizing<[u8; 32]>> {
    let params = Params::new(kdf.memory_kib, kdf.iterations, kdf.parallelism, Some(32))
        .map_err(|_| StoreError::Crypto)?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(secret, salt, out.as_mut())
        .map_err(|_| StoreError::Crypto)?;
    Ok(out)
}

fn aad(id: &str, kind: SlotKind) -> Vec<u8> {
    format!("dsl-desk key slot {id} {kind:?}").into_bytes()
}

impl Slot {
    /// Wraps `data_key` under `secret` in a new slot.
    pub fn wrap(
        kind: SlotKind,
        user_id: Option<i64>,
        secret: &[u8],
        data_key: &DataKey,
        kdf: KdfParams,
    ) -> Result<Self> {
        let id = hex::encode(random_bytes::<8>());
        let salt = random_bytes::<16>();
        let nonce = random_bytes::<24>();
        let kek = derive(secret, &salt, &kdf)?;
        let cipher =
            XChaCha20Poly1305::new_from_slice(kek.as_ref()).map_err(|_| StoreError::Crypto)?;
        let wrapped = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: data_key.as_ref(),
                    aad: &aad(&id, kind),
                },
            )
            .map_err(|_| StoreError::Crypto)?;
        Ok(Self {
            id,
            kind,
            user_id,
            kdf,
            salt: hex::encode(salt),
            nonce: hex::encode(nonce),
            wrapped: hex::encode(wrapped),
        })
    }

    /// Unwraps the data key with `secret`; `None` when the secret is not this slot's.
    pub fn unwrap_key(&self, secret: &[u8]) -> Result<Option<DataKey>> {
        if !self.kdf.is_strong_enough() {
            return Err(StoreError::Corrupt(
                "key slot settings are below the minimum",
            ));
        }
        let salt = hex::decode(&self.salt).map_err(|_| StoreError::Corrupt("key slot salt"))?;
        let nonce = hex::decode(&self.nonce).map_err(|_| StoreError::Corrupt("key slot nonce"))?;
        let wrapped =
            hex::decode(&self.wrapped).map_err(|_| StoreError::Corrupt("key slot content"))?;
        if nonce.len() != 24 {
            return Err(StoreError::Corrupt("key slot nonce"));
        }
        let kek = derive(secret, &salt, &self.kdf)?;
        let cipher =
            XChaCha20Poly1305::new_from_slice(kek.as_ref()).map_err(|_| StoreError::Crypto)?;
        match cipher.decrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &wrapped,
                aad: &aad(&self.id, self.kind),
            },
        ) {
            Ok(plain) => {
                let plain = Zeroizing::new(plain);
                let key: [u8; 32] = plain
                    .as_slice()
                    .try_into()
                    .map_err(|_| StoreError::Corrupt("key slot content"))?;
                Ok(Some(Zeroizing::new(key)))
            }
            Err(_) => Ok(None),
        }
    }
}

impl SlotFile {
    /// Reads the slot file; a missing file means there is no vault.
    pub fn read(path: &Path) -> Result<Self> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(StoreError::NoVault),
            Err(e) => return Err(e.into()),
        };
        Self::parse(&bytes)
    }

    /// Reads a key file's bytes: it must be a slot file of a version this build reads, with
    /// at least one slot.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let file: SlotFile = serde_json::from_slice(bytes)
            .map_err(|_| StoreError::Corrupt("key file is unreadable"))?;
        if file.format > FILE_FORMAT {
            return Err(StoreError::NewerVersion {
                found: i64::from(file.format),
                supported: i64::from(FILE_FORMAT),
            });
        }
        if file.slots.is_empty() {
            return Err(StoreError::Corrupt("key file holds no key slots"));
        }
        Ok(file)
    }

    /// The data key and the user it belongs to, unwrapped with a user's passphrase: each
    /// passphrase slot is tried in turn. Nothing is read from or written to disk.
    pub fn data_key_for_passphrase(&self, passphrase: &str) -> Result<(DataKey, i64)> {
        for slot in self.slots.iter().filter(|s| s.kind == SlotKind::Passphrase) {
            if let Some(key) = slot.unwrap_key(passphrase.as_bytes())? {
                let user_id = slot
                    .user_id
                    .ok_or(StoreError::Corrupt("passphrase slot has no user"))?;
                return Ok((key, user_id));
            }
        }
        Err(StoreError::WrongCredentials)
    }

    /// A new file holding `slots`.
    pub fn new(slots: Vec<Slot>) -> Self {
        Self {
            format: FILE_FORMAT,
            slots,
        }
    }

    /// Writes the file atomically: a temporary file, flushed to disk, renamed over the old one.
    pub fn write(&self, path: &Path) -> Result<()> {
        let json =
            serde_json::to_vec_pretty(self).map_err(|_| StoreError::Encoding("the key file"))?;
        crate::files::write_atomically(path, &[&json])
    }
}
