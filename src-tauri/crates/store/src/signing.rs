//! The vault's record of keys: every founding key and every user key it has had, with their
//! certificates, so that Verify can check each entry's signature against the key that made it
//! even after that user was removed or their keys replaced.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use dsl_domain::vault::Role;
use rusqlite::{params, Connection};

use crate::keyslots::{
    certificate_body, founding_body, signature_holds, Certifier, Founding, KeyRecord,
};
use crate::time::StoredTime;
use crate::{Result, StoreError};

/// The founding keys, oldest first.
pub fn founding_keys(conn: &Connection) -> Result<Vec<Founding>> {
    let mut stmt =
        conn.prepare("SELECT public, endorsed_by, endorsement FROM founding_keys ORDER BY idx")?;
    let rows = stmt.query_map([], |r| {
        Ok(Founding {
            public: r.get("public")?,
            endorsed_by: r.get("endorsed_by")?,
            endorsement: r.get("endorsement")?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Records a founding key as number `index`.
pub fn insert_founding(
    conn: &Connection,
    index: u32,
    founding: &Founding,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO founding_keys (idx, public, endorsed_by, endorsement, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            index,
            founding.public,
            founding.endorsed_by,
            founding.endorsement,
            StoredTime(now)
        ],
    )?;
    Ok(())
}

/// Every user key the vault has had.
pub fn key_records(conn: &Connection) -> Result<Vec<KeyRecord>> {
    let mut stmt = conn.prepare(
        "SELECT user_id, role, sign_key, box_key, certifier, certificate FROM user_keys ORDER BY rowid",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>("user_id")?,
            r.get::<_, String>("role")?,
            r.get::<_, String>("sign_key")?,
            r.get::<_, String>("box_key")?,
            r.get::<_, String>("certifier")?,
            r.get::<_, String>("certificate")?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (user_id, role, sign_key, box_key, certifier, certificate) = row?;
        out.push(KeyRecord {
            user_id,
            role: Role::parse(&role).ok_or(StoreError::Corrupt("unknown key role"))?,
            sign_key,
            box_key,
            certifier: Certifier::parse(&certifier)
                .ok_or(StoreError::Corrupt("unknown key certifier"))?,
            certificate,
        });
    }
    Ok(out)
}

/// Records a user's key and certificate.
pub fn insert_key(conn: &Connection, key: &KeyRecord, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "INSERT INTO user_keys (sign_key, user_id, role, box_key, certifier, certificate, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            key.sign_key,
            key.user_id,
            key.role.as_str(),
            key.box_key,
            key.certifier.text(),
            key.certificate,
            StoredTime(now)
        ],
    )?;
    Ok(())
}

/// Checks every certificate back to the first founding key. A user key is trusted when the
/// founding key or the DSL or deputy named as its certifier is trusted and signed it; a later
/// founding key when a trusted DSL or deputy endorsed it. Returns the trusted keys by signing
/// key, or what does not hold.
pub fn check_chain(
    vault_id: &str,
    founding: &[Founding],
    keys: &[KeyRecord],
) -> std::result::Result<HashMap<String, KeyRecord>, String> {
    if founding.is_empty() {
        return Err("the vault has no founding key".to_string());
    }
    let mut trusted_founding = vec![false; founding.len()];
    trusted_founding[0] = founding[0].endorsed_by.is_none();
    let mut trusted: HashMap<String, KeyRecord> = HashMap::new();
    loop {
        let mut changed = false;
        for (i, f) in founding.iter().enumerate().skip(1) {
            if trusted_founding[i] {
                continue;
            }
            let (Some(by), Some(sig)) = (&f.endorsed_by, &f.endorsement) else {
                continue;
            };
            let endorser_ok = trusted.get(by).is_some_and(|k| k.role.can_edit());
            if endorser_ok
                && signature_holds(by, &founding_body(vault_id, i as u32, &f.public), sig)
            {
                trusted_founding[i] = true;
                changed = true;
            }
        }
        for k in keys {
            if trusted.contains_key(&k.sign_key) {
                continue;
            }
            let body = certificate_body(vault_id, k.user_id, k.role, &k.sign_key, &k.box_key);
            let signer = match &k.certifier {
                Certifier::Founding(n) => founding
                    .get(*n as usize)
                    .filter(|_| trusted_founding.get(*n as usize) == Some(&true))
                    .map(|f| f.public.clone()),
                Certifier::User(by) => trusted
                    .get(by)
                    .filter(|c| c.role.can_edit())
                    .map(|_| by.clone()),
            };
            if signer.is_some_and(|s| signature_holds(&s, &body, &k.certificate)) {
                trusted.insert(k.sign_key.clone(), k.clone());
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    if let Some(i) = trusted_founding.iter().position(|t| !t) {
        return Err(format!(
            "founding key {} is not endorsed by a DSL or deputy of the vault",
            i + 1
        ));
    }
    if let Some(k) = keys.iter().find(|k| !trusted.contains_key(&k.sign_key)) {
        return Err(format!(
            "the key of user {} is not certified by a DSL or deputy, nor by the founding key",
            k.user_id
        ));
    }
    Ok(trusted)
}
