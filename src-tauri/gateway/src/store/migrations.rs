//! The schema migrations, in ONE place: an ordered, append-only list of numbered `.sql` files
//! embedded at build time and applied with `rusqlite_migration` (the schema version is SQLite's
//! `user_version`, i.e. the number of migrations applied).
//!
//! # Adding a migration
//! 1. Write `store/migrations/NNNN_name.sql` with the next number (e.g. `0002_action_log.sql`).
//! 2. Append one line to [`MIGRATIONS`] below.
//!
//! Never edit, reorder or remove a migration that has shipped: databases in the field have
//! already applied it. Each file runs inside one transaction together with the others pending,
//! so a failure leaves the database at its previous version.

use rusqlite_migration::{Migrations, M};

/// One numbered schema migration.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// The file name without extension, e.g. `0001_history`.
    pub name: &'static str,
    /// The SQL, run as one batch.
    pub sql: &'static str,
}

/// Every migration, oldest first. Append only.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        name: "0001_history",
        sql: include_str!("migrations/0001_history.sql"),
    },
    Migration {
        name: "0002_action_log",
        sql: include_str!("migrations/0002_action_log.sql"),
    },
    Migration {
        name: "0003_api_tokens",
        sql: include_str!("migrations/0003_api_tokens.sql"),
    },
    // Append new migrations here.
];

/// The schema version a fully migrated database has (the number of migrations).
pub fn latest_version() -> usize {
    MIGRATIONS.len()
}

/// The migrations as `rusqlite_migration` wants them.
pub fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|m| M::up(m.sql)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_to_an_empty_database() {
        migrations().validate().unwrap();
    }

    #[test]
    fn migration_names_are_numbered_in_order() {
        for (index, migration) in MIGRATIONS.iter().enumerate() {
            let expected = format!("{:04}_", index + 1);
            assert!(
                migration.name.starts_with(&expected),
                "{} should start with {expected}",
                migration.name
            );
        }
    }
}
