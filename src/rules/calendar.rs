//! The national working-day calendar: the State Council's annual holiday
//! arrangements (`calendar/YYYY.toml`), each year citing its notice.
//!
//! A working day is a Monday to Friday that is not a day off, or a weekend
//! day named as a make-up working day (调休上班). A date before the first
//! covered year is an error; a date in a year whose arrangement is not yet
//! published is counted on weekdays with New Year's Day off and marked
//! provisional.

use std::collections::{BTreeSet, HashSet};

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;

/// One holiday period of a year's notice.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayPeriod {
    /// Its name (元旦, 春节, ...).
    pub name: String,
    /// Every day off in it.
    pub days: Vec<NaiveDate>,
}

/// `calendar/YYYY.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearFile {
    /// The year.
    pub year: i32,
    /// Title of the notice.
    pub notice: String,
    /// Its document number.
    #[serde(default)]
    pub document_no: String,
    /// When it was published.
    #[serde(default)]
    pub published_on: Option<NaiveDate>,
    /// How the dates were checked.
    pub verification: super::model::Verification,
    /// Where they were read.
    #[serde(default)]
    pub source: String,
    /// Weekend days that are working days.
    #[serde(default)]
    pub working_days: Vec<NaiveDate>,
    /// Holiday periods.
    #[serde(default)]
    pub holiday: Vec<HolidayPeriod>,
}

/// A date the calendar cannot count.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0} is before the first year of the holiday calendar ({1})")]
pub struct BeforeCalendar(pub NaiveDate, pub i32);

/// A count of working days, provisional when it ran into an unpublished year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted<T> {
    /// The result.
    pub value: T,
    /// True when a year without a published arrangement was involved.
    pub provisional: bool,
}

/// The calendar of every covered year. A notice may set days of the
/// December before its year (New Year's Day holidays that start early).
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    years: BTreeSet<i32>,
    off: HashSet<NaiveDate>,
    on: HashSet<NaiveDate>,
}

impl Calendar {
    /// Builds the calendar from the year files.
    pub fn from_years(files: &[YearFile]) -> Self {
        Self {
            years: files.iter().map(|f| f.year).collect(),
            off: files
                .iter()
                .flat_map(|f| f.holiday.iter().flat_map(|h| h.days.iter().copied()))
                .collect(),
            on: files.iter().flat_map(|f| f.working_days.iter().copied()).collect(),
        }
    }

    /// The first covered year.
    pub fn first_year(&self) -> Option<i32> {
        self.years.first().copied()
    }

    /// The last covered year.
    pub fn last_year(&self) -> Option<i32> {
        self.years.last().copied()
    }

    /// Whether `day` is a working day.
    pub fn is_working_day(&self, day: NaiveDate) -> Result<Counted<bool>, BeforeCalendar> {
        let first = self.first_year().unwrap_or(i32::MAX);
        if day.year() < first {
            return Err(BeforeCalendar(day, first));
        }
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        Ok(if self.years.contains(&day.year()) {
            Counted {
                value: self.on.contains(&day) || (!weekend && !self.off.contains(&day)),
                provisional: false,
            }
        } else {
            let new_year = day.month() == 1 && day.day() == 1;
            Counted { value: !(weekend || new_year), provisional: true }
        })
    }

    /// The day `n` working days after `day` (`day` itself not counted).
    pub fn add_working_days(
        &self,
        day: NaiveDate,
        n: u32,
    ) -> Result<Counted<NaiveDate>, BeforeCalendar> {
        let mut current = day;
        let mut left = n;
        let mut provisional = false;
        while left > 0 {
            current = current.succ_opt().ok_or(BeforeCalendar(current, 0))?;
            let counted = self.is_working_day(current)?;
            provisional |= counted.provisional;
            if counted.value {
                left -= 1;
            }
        }
        Ok(Counted { value: current, provisional })
    }

    /// Working days after `from` up to and including `to` (0 when `to <= from`).
    pub fn working_days_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Counted<u32>, BeforeCalendar> {
        self.is_working_day(from)?;
        let mut count = 0;
        let mut provisional = false;
        let mut current = from;
        while current < to {
            current = current.succ_opt().ok_or(BeforeCalendar(current, 0))?;
            let counted = self.is_working_day(current)?;
            provisional |= counted.provisional;
            count += u32::from(counted.value);
        }
        Ok(Counted { value: count, provisional })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn sample() -> Calendar {
        // The 2024 Spring Festival: 10-17 February off, Sunday 4 and Sunday 18 February worked.
        let file: YearFile = toml::from_str(
            r#"
            year = 2024
            notice = "国务院办公厅关于2024年部分节假日安排的通知"
            verification = "M"
            working_days = ["2024-02-04", "2024-02-18"]
            [[holiday]]
            name = "春节"
            days = ["2024-02-10", "2024-02-11", "2024-02-12", "2024-02-13", "2024-02-14", "2024-02-15", "2024-02-16", "2024-02-17"]
            "#,
        )
        .unwrap();
        Calendar::from_years(&[file])
    }

    #[test]
    fn weekends_that_are_working_days_count() {
        let cal = sample();
        assert!(cal.is_working_day(d("2024-02-04")).unwrap().value, "a Sunday worked");
        assert!(!cal.is_working_day(d("2024-02-12")).unwrap().value, "a Monday off");
        assert!(!cal.is_working_day(d("2024-02-03")).unwrap().value, "an ordinary Saturday");
        // Decided Tuesday 6 February: 7, 8, 9, the holiday, Sunday 18 (worked), 19, 20, 21.
        let due = cal.add_working_days(d("2024-02-06"), 7).unwrap();
        assert_eq!(due, Counted { value: d("2024-02-21"), provisional: false });
        assert_eq!(cal.working_days_between(d("2024-02-06"), d("2024-02-21")).unwrap().value, 7);
        assert_eq!(cal.working_days_between(d("2024-02-06"), d("2024-02-22")).unwrap().value, 8);
    }

    #[test]
    fn unpublished_years_are_provisional_and_earlier_years_are_errors() {
        let cal = sample();
        let due = cal.add_working_days(d("2024-12-27"), 7).unwrap();
        assert!(due.provisional);
        assert_eq!(due.value, d("2025-01-08"), "weekdays with New Year's Day off");
        assert_eq!(cal.is_working_day(d("2023-12-29")), Err(BeforeCalendar(d("2023-12-29"), 2024)));
    }
}
