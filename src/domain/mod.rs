//! Pure domain types, with no I/O: codes, subjects, roles.

pub mod id_number;
pub mod record;
pub mod role;
pub mod subject;
pub mod tier;
pub mod uscc;

pub use record::RecordKind;
pub use role::Role;
pub use subject::{Subject, SubjectKind, SubjectStatus};
pub use tier::Tier;
pub use uscc::{Uscc, UsccError};
