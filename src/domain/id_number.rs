//! Citizen identity numbers (公民身份号码, GB 11643-1999) of natural persons
//! such as legal representatives. They are personal data: checked at the
//! edge, stored only masked and as a keyed hash, never logged.

use std::fmt;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";

/// A valid 18-character identity number. Its `Debug` and `Display` show only
/// the masked form, so that it cannot leak into a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct IdNumber(String);

/// Why a string is not an identity number (the value itself is never echoed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdNumberError {
    /// Not 17 digits and a digit or X.
    Shape,
    /// The birth date (positions 7-14) is not a date.
    BirthDate,
    /// The check character (position 18) does not match.
    Check,
}

impl fmt::Display for IdNumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Shape => "an identity number has 17 digits and a final digit or X",
            Self::BirthDate => "the birth date in positions 7-14 is not a date",
            Self::Check => "the check character (position 18, GB 11643) does not match",
        })
    }
}

impl IdNumber {
    /// Checks shape, birth date and the ISO 7064 MOD 11-2 check character.
    pub fn parse(raw: &str) -> Result<Self, IdNumberError> {
        let s = raw.trim().to_ascii_uppercase();
        let b = s.as_bytes();
        if b.len() != 18
            || !b[..17].iter().all(u8::is_ascii_digit)
            || !(b[17].is_ascii_digit() || b[17] == b'X')
        {
            return Err(IdNumberError::Shape);
        }
        if chrono::NaiveDate::parse_from_str(&s[6..14], "%Y%m%d").is_err() {
            return Err(IdNumberError::BirthDate);
        }
        let sum: u32 = b[..17].iter().zip(WEIGHTS).map(|(&c, w)| u32::from(c - b'0') * w).sum();
        if CHECK[(sum % 11) as usize] != b[17] {
            return Err(IdNumberError::Check);
        }
        Ok(Self(s))
    }

    /// The region code, birth date hidden: `130402********123X`.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }

    /// The number itself, only for keyed hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// Whether a string that is not a credit code looks like a natural person's
/// identity number (someone sent a person where an organisation belongs).
pub fn looks_like_person(raw: &str) -> bool {
    IdNumber::parse(raw).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_the_check_character_and_masks() {
        // GB 11643's own example number.
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(id.masked(), "110105********002X");
        assert_eq!(format!("{id:?}"), "IdNumber(110105********002X)");
        assert_eq!(IdNumber::parse("110105194912310021"), Err(IdNumberError::Check));
        assert_eq!(IdNumber::parse("110105194913310021"), Err(IdNumberError::BirthDate));
        assert_eq!(IdNumber::parse("11010519491231002"), Err(IdNumberError::Shape));
        assert!(IdNumber::parse(" 11010519491231002x ").is_ok());
    }
}
