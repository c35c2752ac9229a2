//! The unified social credit code (统一社会信用代码), GB 32100-2015.
//!
//! An 18-character code: registration authority (1), organisation category (2),
//! administrative division (3-8, GB/T 2260), organisation code (9-17, GB 11714,
//! whose own check character is 17), and the check character of the whole
//! code (18). Raw strings become a [`Uscc`] only through [`Uscc::parse`], so
//! inner code never checks a code again.

use std::fmt;

use serde::Serialize;
use utoipa::ToSchema;

/// The 31 characters of GB 32100, in value order (0-30): no I, O, S, V or Z.
const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of positions 1-17 in the final check: 3^(i-1) mod 31.
const CODE_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// Weights of the eight body characters of a GB 11714 organisation code.
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// Province-level division prefixes of GB/T 2260, plus "10" for central registrations.
const PROVINCES: [&str; 35] = [
    "10", "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    "71", "81", "82",
];

/// One broken rule in a code, at a 1-based position (none for the length).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct UsccError {
    /// 1-based character position, or null when the error concerns the whole code.
    pub position: Option<usize>,
    /// Stable snake_case code of the rule broken.
    pub code: &'static str,
    /// What is wrong, for a person.
    pub detail: String,
}

impl UsccError {
    fn at(position: usize, code: &'static str, detail: String) -> Self {
        Self { position: Some(position), code, detail }
    }
}

/// Who registered the organisation (position 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationAuthority {
    /// 1 机构编制
    Staffing,
    /// 2 外交
    ForeignAffairs,
    /// 3 司法行政
    Justice,
    /// 4 文化
    Culture,
    /// 5 民政
    CivilAffairs,
    /// 6 旅游
    Tourism,
    /// 7 宗教
    Religion,
    /// 8 工会
    TradeUnions,
    /// 9 工商 / market regulation
    MarketRegulation,
    /// A 中央军委改革和编制办公室
    Military,
    /// N 农业
    Agriculture,
    /// Y 其他
    Other,
}

impl RegistrationAuthority {
    fn from_char(c: u8) -> Option<Self> {
        Some(match c {
            b'1' => Self::Staffing,
            b'2' => Self::ForeignAffairs,
            b'3' => Self::Justice,
            b'4' => Self::Culture,
            b'5' => Self::CivilAffairs,
            b'6' => Self::Tourism,
            b'7' => Self::Religion,
            b'8' => Self::TradeUnions,
            b'9' => Self::MarketRegulation,
            b'A' => Self::Military,
            b'N' => Self::Agriculture,
            b'Y' => Self::Other,
            _ => return None,
        })
    }

    /// The organisation categories (position 2) this authority may assign.
    fn categories(self) -> &'static [u8] {
        match self {
            Self::Staffing => b"1239",
            Self::ForeignAffairs | Self::Culture | Self::TradeUnions | Self::Military => b"19",
            Self::Justice => b"123459",
            Self::CivilAffairs => b"1239",
            Self::Tourism => b"129",
            Self::Religion => b"129",
            Self::MarketRegulation => b"123",
            Self::Agriculture => b"1239",
            Self::Other => b"1",
        }
    }
}

/// A parsed, valid unified social credit code in its normal form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uscc(String);

impl Uscc {
    /// Normalises and checks a code: surrounding spaces (also full-width) are
    /// dropped, full-width letters and digits become ASCII, lower case becomes
    /// upper. Every broken rule is reported with its position.
    pub fn parse(raw: &str) -> Result<Self, Vec<UsccError>> {
        let normalized = normalize(raw);
        check(&normalized).map(|()| Self(normalized))
    }

    /// Builds a code from its parts, computing both check characters: the
    /// authority and category (2 characters), the division (6 digits) and the
    /// organisation code's body (8 characters). For synthetic data and tests.
    pub fn from_parts(head: &str, division: &str, body: &str) -> Result<Self, Vec<UsccError>> {
        if body.len() != 8 || head.len() != 2 {
            return Self::parse(&format!("{head}{division}{body}"));
        }
        let org_check = org_check_character(body.as_bytes());
        let first17 = format!("{head}{division}{body}{org_check}");
        let final_check = final_check_character(first17.as_bytes()).unwrap_or('0');
        Self::parse(&format!("{first17}{final_check}"))
    }

    /// The code as 18 ASCII characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The registering authority (position 1).
    pub fn authority(&self) -> RegistrationAuthority {
        RegistrationAuthority::from_char(self.0.as_bytes()[0]).expect("checked at parse")
    }

    /// The organisation category character (position 2).
    pub fn category(&self) -> char {
        self.0.as_bytes()[1] as char
    }

    /// The six-digit division code of the registering authority (positions 3-8).
    pub fn division(&self) -> &str {
        &self.0[2..8]
    }

    /// True for codes of individual businesses (个体工商户, "92").
    pub fn is_individual_business(&self) -> bool {
        self.0.starts_with("92")
    }

    /// True for codes of enterprises registered by market regulation ("91").
    pub fn is_enterprise(&self) -> bool {
        self.0.starts_with("91")
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Drops surrounding white space, folds full-width forms to ASCII, upper-cases.
pub fn normalize(raw: &str) -> String {
    raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect::<String>()
        .to_ascii_uppercase()
}

fn value(c: u8) -> Option<u32> {
    CHARSET.iter().position(|&x| x == c).map(|v| v as u32)
}

fn check(code: &str) -> Result<(), Vec<UsccError>> {
    let count = code.chars().count();
    if count != 18 {
        return Err(vec![UsccError {
            position: None,
            code: "length",
            detail: format!("a code has 18 characters, this one has {count}"),
        }]);
    }
    let charset_errors: Vec<UsccError> = code
        .chars()
        .enumerate()
        .filter(|(_, c)| !c.is_ascii() || value(*c as u8).is_none())
        .map(|(i, c)| {
            UsccError::at(
                i + 1,
                "character_set",
                format!("'{c}' is not one of the 31 characters 0-9 and A-Y without I, O, S, V, Z"),
            )
        })
        .collect();
    if !charset_errors.is_empty() {
        return Err(charset_errors);
    }

    let bytes = code.as_bytes();
    let mut errors = Vec::new();
    check_authority_and_category(bytes, &mut errors);
    check_division(&code[2..8], &mut errors);
    check_organisation_code(&bytes[8..17], &mut errors);
    check_final_character(bytes, &mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn check_authority_and_category(bytes: &[u8], errors: &mut Vec<UsccError>) {
    let Some(authority) = RegistrationAuthority::from_char(bytes[0]) else {
        errors.push(UsccError::at(
            1,
            "registration_authority",
            format!("'{}' is not a registration authority (1-9, A, N, Y)", bytes[0] as char),
        ));
        return;
    };
    if !authority.categories().contains(&bytes[1]) {
        let allowed: String =
            authority.categories().iter().map(|&c| c as char).collect::<Vec<_>>().iter().collect();
        errors.push(UsccError::at(
            2,
            "organisation_category",
            format!(
                "category '{}' does not exist under authority '{}' (allowed: {allowed})",
                bytes[1] as char, bytes[0] as char
            ),
        ));
    }
}

fn check_division(division: &str, errors: &mut Vec<UsccError>) {
    if let Some(i) = division.bytes().position(|b| !b.is_ascii_digit()) {
        errors.push(UsccError::at(
            3 + i,
            "division_code",
            "the division code (positions 3-8) has digits only".into(),
        ));
        return;
    }
    if !PROVINCES.contains(&&division[0..2]) {
        errors.push(UsccError::at(
            3,
            "division_code",
            format!("'{}' is not a province-level division of GB/T 2260", &division[0..2]),
        ));
    } else if &division[2..4] == "00" && &division[4..6] != "00" {
        errors.push(UsccError::at(
            5,
            "division_code",
            format!("division '{division}' names a county under no city"),
        ));
    }
}

/// The GB 11714 check character of an organisation code's 8-character body.
fn org_check_character(body: &[u8]) -> char {
    let mut sum = 0;
    for (i, &c) in body[..8].iter().enumerate() {
        let v = match c {
            b'0'..=b'9' => (c - b'0') as u32,
            _ => (c.wrapping_sub(b'A')) as u32 + 10,
        };
        sum += v * ORG_WEIGHTS[i];
    }
    match 11 - sum % 11 {
        11 => '0',
        10 => 'X',
        r => char::from_digit(r, 10).expect("below 10"),
    }
}

/// The GB 32100 check character of the first 17 characters.
fn final_check_character(first17: &[u8]) -> Option<char> {
    let mut sum = 0;
    for (&c, w) in first17[..17].iter().zip(CODE_WEIGHTS) {
        sum += value(c)? * w;
    }
    Some(CHARSET[((31 - sum % 31) % 31) as usize] as char)
}

fn check_organisation_code(org: &[u8], errors: &mut Vec<UsccError>) {
    let expected = org_check_character(org);
    if org[8] as char != expected {
        errors.push(UsccError::at(
            17,
            "organisation_code_check",
            format!(
                "the organisation code's check character (GB 11714) should be '{expected}', not '{}'",
                org[8] as char
            ),
        ));
    }
}

fn check_final_character(bytes: &[u8], errors: &mut Vec<UsccError>) {
    let expected = final_check_character(bytes).expect("charset checked");
    if bytes[17] as char != expected {
        errors.push(UsccError::at(
            18,
            "check_character",
            format!(
                "the check character (GB 32100) should be '{expected}', not '{}'",
                bytes[17] as char
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const VALID: [&str; 5] = [
        "914403001922038216",
        "91330100799655058B",
        "91110000710925462X",
        "91520000214434146R",
        "91110108551385082Q",
    ];

    fn codes(raw: &str) -> Vec<(Option<usize>, &'static str)> {
        Uscc::parse(raw).unwrap_err().into_iter().map(|e| (e.position, e.code)).collect()
    }

    #[test]
    fn accepts_the_public_vectors() {
        for code in VALID {
            assert_eq!(Uscc::parse(code).unwrap().as_str(), code);
        }
    }

    #[test]
    fn rejects_the_known_bad_check_character() {
        let errors = Uscc::parse("91350203M0001QAY9B").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].position, Some(18));
        assert!(errors[0].detail.contains("'9'"), "{}", errors[0].detail);
    }

    #[test]
    fn normalises_spaces_full_width_and_case() {
        let raw = "\u{3000} ９１３３０１００７９９６５５０５８ｂ ";
        assert_eq!(Uscc::parse(raw).unwrap().as_str(), "91330100799655058B");
        assert_eq!(Uscc::parse("91330100799655058b").unwrap().as_str(), "91330100799655058B");
    }

    #[test]
    fn names_position_and_rule() {
        let cases = [
            ("short", "9144030019220382", None, "length"),
            ("letter I", "9144030019220382I6", Some(17), "character_set"),
            ("authority", "B14403001922038216", Some(1), "registration_authority"),
            ("category", "944403001922038216", Some(2), "organisation_category"),
            ("province", "919903001922038216", Some(3), "division_code"),
            ("org check", "914403001922038226", Some(17), "organisation_code_check"),
        ];
        for (label, raw, position, code) in cases {
            let got = codes(raw);
            assert!(
                got.contains(&(position, code)),
                "{label}: expected {code} at {position:?} in {got:?}"
            );
        }
    }

    #[test]
    fn builds_codes_from_parts() {
        assert_eq!(Uscc::from_parts("91", "440300", "19220382").unwrap().as_str(), VALID[0]);
        assert_eq!(Uscc::from_parts("91", "110000", "71092546").unwrap().as_str(), VALID[2]);
    }

    #[test]
    fn exposes_parts() {
        let code = Uscc::parse("914403001922038216").unwrap();
        assert_eq!(code.division(), "440300");
        assert_eq!(code.authority(), RegistrationAuthority::MarketRegulation);
        assert!(code.is_enterprise() && !code.is_individual_business());
    }

    proptest! {
        #[test]
        fn any_single_change_is_rejected(
            which in 0usize..VALID.len(),
            position in 0usize..18,
            replacement in 0usize..CHARSET.len(),
        ) {
            let mut bytes = VALID[which].as_bytes().to_vec();
            let new = CHARSET[replacement];
            prop_assume!(bytes[position] != new);
            bytes[position] = new;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(Uscc::parse(&changed).is_err(), "{} was accepted", changed);
        }
    }
}
