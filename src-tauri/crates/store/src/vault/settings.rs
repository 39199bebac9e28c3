//! The school's settings and the session the app shows, kept in the vault.

use crate::audit::Author;
use chrono::{DateTime, Utc};
use dsl_domain::vault::{Session, Settings, DEFAULT_IDLE_MINUTES};

use super::Vault;
use crate::audit;
use crate::{settings, users, Result};

impl Vault {
    /// The school's settings.
    pub fn settings(&self) -> Result<Settings> {
        let number = |key, default| -> Result<u32> {
            Ok(settings::get(&self.conn, key)?
                .and_then(|v| v.parse().ok())
                .unwrap_or(default))
        };
        Ok(Settings {
            school_name: settings::get(&self.conn, settings::SCHOOL_NAME)?.unwrap_or_default(),
            idle_minutes: number(settings::IDLE_MINUTES, DEFAULT_IDLE_MINUTES)?,
            small_number_threshold: number(
                settings::SMALL_NUMBER_THRESHOLD,
                dsl_domain::stats::DEFAULT_THRESHOLD,
            )?,
            backup_reminder_days: number(
                settings::BACKUP_REMINDER_DAYS,
                dsl_domain::vault::DEFAULT_BACKUP_REMINDER_DAYS,
            )?,
        })
    }

    /// Saves the school's settings (already validated).
    pub fn update_settings(&mut self, new: &Settings, now: DateTime<Utc>) -> Result<()> {
        self.require_editor("only a DSL or deputy can change the settings")?;
        let tx = self.conn.transaction()?;
        settings::put(&tx, settings::SCHOOL_NAME, &new.school_name)?;
        settings::put(&tx, settings::IDLE_MINUTES, &new.idle_minutes.to_string())?;
        settings::put(
            &tx,
            settings::SMALL_NUMBER_THRESHOLD,
            &new.small_number_threshold.to_string(),
        )?;
        settings::put(
            &tx,
            settings::BACKUP_REMINDER_DAYS,
            &new.backup_reminder_days.to_string(),
        )?;
        audit::record(
            &tx,
            now,
            &Author {
                user: self.user_id,
                key: &self.signer,
            },
            "settings.updated",
            "settings",
            "school",
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Who is signed in, and the settings the app needs.
    pub fn session(&self) -> Result<Session> {
        let user = users::get(&self.conn, self.user_id)?;
        let s = self.settings()?;
        Ok(Session {
            user_id: user.id,
            user_name: user.name,
            role: user.role,
            school_name: s.school_name,
            founding_fingerprint: self.founding_fingerprint()?,
            idle_minutes: s.idle_minutes,
            demo: self.is_demo()?,
            last_backup_at: settings::get(&self.conn, settings::LAST_BACKUP_AT)?
                .map(|s| crate::time::parse_ts(&s))
                .transpose()?,
            backup_reminder_days: s.backup_reminder_days,
            rollback: None,
            unopened_records: self.unopened_records()?,
        })
    }

    /// True for a demonstration vault.
    pub fn is_demo(&self) -> Result<bool> {
        Ok(settings::get(&self.conn, settings::DEMO)?.as_deref() == Some("1"))
    }

    /// Marks the vault as a demonstration vault (it can never be unmarked).
    pub fn mark_demo(&mut self, now: DateTime<Utc>) -> Result<()> {
        let tx = self.conn.transaction()?;
        settings::put(&tx, settings::DEMO, "1")?;
        audit::record(
            &tx,
            now,
            &Author {
                user: self.user_id,
                key: &self.signer,
            },
            "settings.demo",
            "settings",
            "demo",
        )?;
        tx.commit()?;
        Ok(())
    }
}
