//! Pure domain types, with no I/O: codes, subjects, roles.

pub mod role;
pub mod subject;
pub mod uscc;

pub use role::Role;
pub use subject::{Subject, SubjectKind, SubjectStatus};
pub use uscc::{Uscc, UsccError};
