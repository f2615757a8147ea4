//! Expansion: the [`Occurrence`]s of the loaded events in a time range. Recurring events are
//! expanded with the `rrule` crate in their own time zone (so a 10:00 Berlin meeting stays at
//! 10:00 on both sides of a DST change), minus `EXDATE`s and minus instances replaced by a
//! changed copy (`RECURRENCE-ID`), plus `RDATE`s.

use super::load::{Loaded, StoredEvent};
use super::zone::{When, Zone, ZoneMap};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use icalendar::{CalendarDateTime, Component, DatePerhapsTime, Property};
use std::collections::HashMap;

/// One occurrence of an event.
#[derive(Debug, Clone)]
pub struct Occurrence<'a> {
    /// The event (the series for recurring events).
    pub event: &'a StoredEvent,
    /// When it starts.
    pub start: When,
    /// When it ends (exclusive; for all-day events the day after the last day).
    pub end: When,
    /// Whether it is one of several occurrences of a series.
    pub recurring: bool,
}

/// The half-open range `[from, to)` occurrences must overlap.
#[derive(Debug, Clone, Copy)]
pub struct Range {
    /// Start (inclusive).
    pub from: DateTime<Utc>,
    /// End (exclusive).
    pub to: DateTime<Utc>,
}

/// The occurrences, sorted by start, and whether more were left out.
#[derive(Debug, Default)]
pub struct Expanded<'a> {
    /// The occurrences shown.
    pub occurrences: Vec<Occurrence<'a>>,
    /// More occurrences exist than `limit`.
    pub truncated: bool,
    /// Events whose recurrence could not be expanded (only their first date is shown).
    pub problems: Vec<String>,
}

/// Every occurrence overlapping `range`, at most `limit`, times resolved with `display` for
/// floating and all-day values.
pub fn occurrences(loaded: &Loaded, range: Range, display: Zone, limit: usize) -> Expanded<'_> {
    let mut replaced: HashMap<&str, Vec<DateTime<Zone>>> = HashMap::new();
    for event in loaded.events.iter().filter(|e| e.is_override()) {
        if let Some(id) = event
            .event
            .properties()
            .get("RECURRENCE-ID")
            .and_then(DatePerhapsTime::from_property)
        {
            replaced
                .entry(event.uid())
                .or_default()
                .push(event.zones.recurrence_start(&id, display));
        }
    }
    let mut expanded = Expanded::default();
    let per_event = u16::try_from(limit.saturating_add(1)).unwrap_or(u16::MAX);
    for event in &loaded.events {
        let Some(start) = event.event.get_start() else {
            continue;
        };
        let first = event.zones.resolve(&start, display);
        let length = length_of(event, first, display);
        let recurs = !event.is_override()
            && (event.event.properties().contains_key("RRULE")
                || event.event.multi_properties().contains_key("RDATE"));
        if !recurs {
            push_if_overlapping(&mut expanded, event, first, length, false, range, display);
            continue;
        }
        let exclusions = replaced.get(event.uid()).cloned().unwrap_or_default();
        match series(event, &start, display, exclusions) {
            Ok(set) => {
                let reach = match length {
                    Length::Days(days) => Duration::days(days + 1),
                    Length::Exact(d) => d + Duration::days(1),
                };
                let from = (range.from - reach).with_timezone(&Zone::UTC);
                let to = range.to.with_timezone(&Zone::UTC);
                let result = set.after(from).before(to).all(per_event);
                for at in result.dates {
                    let start = if first.is_date() {
                        When::Date(at.date_naive())
                    } else {
                        When::At(at.with_timezone(&Utc))
                    };
                    push_if_overlapping(&mut expanded, event, start, length, true, range, display);
                }
            }
            Err(message) => {
                expanded.problems.push(format!(
                    "'{}' (UID {}): recurrence not expanded: {message}",
                    event.summary(),
                    event.uid()
                ));
                push_if_overlapping(&mut expanded, event, first, length, false, range, display);
            }
        }
    }
    expanded
        .occurrences
        .sort_by_key(|o| (o.start.instant(display), o.event.summary().to_string()));
    if expanded.occurrences.len() > limit {
        expanded.occurrences.truncate(limit);
        expanded.truncated = true;
    }
    expanded
}

/// How long each occurrence lasts.
#[derive(Debug, Clone, Copy)]
enum Length {
    /// All-day: a number of days.
    Days(i64),
    /// Timed: an exact duration.
    Exact(Duration),
}

impl Length {
    fn end_of(self, start: When) -> When {
        match (self, start) {
            (Length::Days(days), When::Date(date)) => When::Date(date + Duration::days(days)),
            (Length::Exact(d), When::At(at)) => When::At(at + d),
            (_, When::Date(date)) => When::Date(date + Duration::days(1)),
            (Length::Days(days), When::At(at)) => When::At(at + Duration::days(days)),
        }
    }
}

fn length_of(event: &StoredEvent, start: When, display: Zone) -> Length {
    let end = event
        .event
        .properties()
        .get("DTEND")
        .and_then(DatePerhapsTime::from_property)
        .map(|end| event.zones.resolve(&end, display));
    let duration = event
        .event
        .property_value("DURATION")
        .and_then(parse_duration);
    match (start, end, duration) {
        (When::Date(s), Some(When::Date(e)), _) => Length::Days((e - s).num_days().max(1)),
        (When::Date(_), _, Some(d)) => Length::Days(d.num_days().max(1)),
        (When::Date(_), _, None) => Length::Days(1),
        (When::At(s), Some(When::At(e)), _) => Length::Exact((e - s).max(Duration::zero())),
        (When::At(_), _, Some(d)) => Length::Exact(d.max(Duration::zero())),
        (When::At(_), _, None) => Length::Exact(Duration::zero()),
    }
}

fn push_if_overlapping<'a>(
    expanded: &mut Expanded<'a>,
    event: &'a StoredEvent,
    start: When,
    length: Length,
    recurring: bool,
    range: Range,
    display: Zone,
) {
    let end = length.end_of(start);
    let (s, e) = (start.instant(display), end.instant(display));
    let overlaps = if s == e {
        range.from <= s && s < range.to
    } else {
        s < range.to && e > range.from
    };
    if overlaps {
        expanded.occurrences.push(Occurrence {
            event,
            start,
            end,
            recurring,
        });
    }
}

/// The recurrence set of a series: RRULE(s), RDATEs, minus EXDATEs and replaced instances.
fn series(
    event: &StoredEvent,
    start: &DatePerhapsTime,
    display: Zone,
    exclusions: Vec<DateTime<Zone>>,
) -> Result<rrule::RRuleSet, String> {
    let dt_start = event.zones.recurrence_start(start, display);
    let mut set = rrule::RRuleSet::new(dt_start);
    if let Some(rule) = event.event.property_value("RRULE") {
        let rule: rrule::RRule<rrule::Unvalidated> = normalize_until(rule, dt_start)
            .parse()
            .map_err(|e| format!("{e}"))?;
        set = set.rrule(rule.validate(dt_start).map_err(|e| format!("{e}"))?);
    }
    let values = |key: &str| -> Vec<DateTime<Zone>> {
        event
            .event
            .multi_properties()
            .get(key)
            .into_iter()
            .flatten()
            .flat_map(|p| date_list(p, &event.zones, display))
            .collect()
    };
    for at in values("RDATE") {
        set = set.rdate(at);
    }
    for at in values("EXDATE").into_iter().chain(exclusions) {
        set = set.exdate(at);
    }
    Ok(set)
}

/// A rule whose `UNTIL` is a date or a local time (as many clients write it, and as RFC 5545
/// requires for all-day events) rewritten as the UTC instant the `rrule` crate expects: a local
/// time is read in the start's zone, a date means the end of that day (all-day series, computed
/// at UTC midnight, end at that day's start so the day itself is included).
pub(crate) fn normalize_until(rule: &str, dt_start: DateTime<Zone>) -> String {
    let zone = dt_start.timezone();
    let date_based = dt_start.time() == chrono::NaiveTime::MIN && zone.name() == "UTC";
    rule.split(';')
        .map(|part| {
            let Some((key, value)) = part.split_once('=') else {
                return part.to_string();
            };
            if !key.trim().eq_ignore_ascii_case("UNTIL") || value.ends_with(['Z', 'z']) {
                return part.to_string();
            }
            let naive = if let Ok(date) = NaiveDate::parse_from_str(value, "%Y%m%d") {
                if date_based {
                    date.and_time(chrono::NaiveTime::MIN)
                } else {
                    date.and_hms_opt(23, 59, 59).unwrap_or_default()
                }
            } else if let Ok(at) = NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%S") {
                at
            } else {
                return part.to_string();
            };
            let until = super::zone::local(zone, naive);
            format!("{key}={}", until.format("%Y%m%dT%H%M%SZ"))
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// The comma-separated values of an `EXDATE`/`RDATE` property (periods are skipped).
fn date_list(property: &Property, zones: &ZoneMap, display: Zone) -> Vec<DateTime<Zone>> {
    let tzid = property.params().get("TZID").map(|p| p.value().to_string());
    property
        .value()
        .split(',')
        .filter_map(|item| parse_value(item.trim(), tzid.as_deref()))
        .map(|value| zones.recurrence_start(&value, display))
        .collect()
}

/// One iCalendar DATE or DATE-TIME value.
fn parse_value(text: &str, tzid: Option<&str>) -> Option<DatePerhapsTime> {
    if text.contains('/') {
        return None;
    }
    if text.len() == 8 {
        return NaiveDate::parse_from_str(text, "%Y%m%d")
            .ok()
            .map(DatePerhapsTime::Date);
    }
    if let Some(utc) = text.strip_suffix('Z') {
        let naive = NaiveDateTime::parse_from_str(utc, "%Y%m%dT%H%M%S").ok()?;
        return Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(
            naive.and_utc(),
        )));
    }
    let naive = NaiveDateTime::parse_from_str(text, "%Y%m%dT%H%M%S").ok()?;
    Some(DatePerhapsTime::DateTime(match tzid {
        Some(tzid) => CalendarDateTime::WithTimezone {
            date_time: naive,
            tzid: tzid.to_string(),
        },
        None => CalendarDateTime::Floating(naive),
    }))
}

/// An iCalendar DURATION (`PT1H30M`, `P1D`, `P2W`, `-PT15M`).
pub(crate) fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let rest = rest.strip_prefix('P')?;
    let mut total = Duration::zero();
    let mut number = String::new();
    let mut in_time = false;
    for c in rest.chars() {
        match c {
            '0'..='9' => number.push(c),
            'T' => in_time = true,
            unit => {
                let n: i64 = number.parse().ok()?;
                number.clear();
                total += match (unit, in_time) {
                    ('W', false) => Duration::weeks(n),
                    ('D', false) => Duration::days(n),
                    ('H', true) => Duration::hours(n),
                    ('M', true) => Duration::minutes(n),
                    ('S', true) => Duration::seconds(n),
                    _ => return None,
                };
            }
        }
    }
    if !number.is_empty() {
        return None;
    }
    Some(if negative { -total } else { total })
}

#[cfg(test)]
mod tests;
