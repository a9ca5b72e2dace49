//! Calendars: `/measures/{id}.ics` and `/calendar.ics?<search>` are iCalendar (RFC 5545) that a
//! real parser reads, with the call's opening and closing as all-day events and a reminder
//! before it closes; the pages link to them.

use axum::http::StatusCode;
use ical::parser::ical::component::IcalCalendar;

use crate::common::TempHandbook;

fn parse(body: &str) -> Vec<IcalCalendar> {
    for physical in body.split("\r\n") {
        assert!(
            physical.len() <= 75,
            "a line longer than 75 octets: {physical:?}"
        );
        assert!(!physical.contains('\n'), "a bare line feed: {physical:?}");
    }
    assert!(body.ends_with("END:VCALENDAR\r\n"));
    ical::IcalParser::new(body.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("not iCalendar ({e}):\n{body}"))
}

fn property(props: &[ical::property::Property], name: &str) -> Option<String> {
    props
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.clone())
}

#[tokio::test]
async fn a_measures_calendar_has_its_opening_and_its_closing_with_a_reminder() {
    let app = TempHandbook::fixture().app();
    let a = app.get("/measures/kranj-najemnine.ics").await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.headers["content-type"], "text/calendar; charset=utf-8");
    let calendars = parse(&a.body);
    assert_eq!(calendars.len(), 1);
    let events = &calendars[0].events;
    assert_eq!(events.len(), 2, "{}", a.body);
    let starts: Vec<_> = events
        .iter()
        .map(|e| property(&e.properties, "DTSTART").unwrap())
        .collect();
    assert_eq!(starts, ["20240601", "20240630"]);
    let closing = &events[1];
    assert!(
        property(&closing.properties, "SUMMARY")
            .unwrap()
            .contains("Subvencije najemnin v starem Kranju")
    );
    assert_eq!(
        property(&closing.properties, "URL").as_deref(),
        Some("https://prirocnik.example/measures/kranj-najemnine")
    );
    assert_eq!(closing.alarms.len(), 1);
    assert_eq!(
        property(&closing.alarms[0].properties, "TRIGGER").as_deref(),
        Some("-P7D")
    );
    assert!(
        property(&closing.properties, "UID").unwrap()
            != property(&events[0].properties, "UID").unwrap()
    );
}

#[tokio::test]
async fn a_searchs_calendar_has_every_dated_measure_and_no_standing_one() {
    let app = TempHandbook::fixture().app();
    let a = app.get("/calendar.ics?q=fasade&lang=en").await;
    assert_eq!(a.status, StatusCode::OK);
    let calendars = parse(&a.body);
    let uids: Vec<String> = calendars[0]
        .events
        .iter()
        .map(|e| property(&e.properties, "UID").unwrap())
        .collect();
    assert!(
        uids.iter().any(|u| u.starts_with("piran-fasade-opens@")),
        "{uids:?}"
    );
    assert!(
        uids.iter()
            .any(|u| u.starts_with("fasade-kranj-koper-closes@")),
        "{uids:?}"
    );
    // Maribor's is a standing measure: no dates, no events.
    assert!(
        !uids.iter().any(|u| u.starts_with("maribor-procelja")),
        "{uids:?}"
    );
    assert!(a.body.contains("SUMMARY:Deadline: "), "{}", a.body);
}

#[tokio::test]
async fn the_pages_link_to_their_calendars_and_a_missing_measure_has_none() {
    let app = TempHandbook::fixture().app();
    let page = app.get("/measures/kranj-najemnine").await;
    assert!(
        page.body.contains("href=\"/measures/kranj-najemnine.ics\""),
        "{}",
        page.body
    );
    let search = app.get("/?q=najemnine").await;
    assert!(
        search.body.contains("href=\"/calendar.ics?q=najemnine\""),
        "{}",
        search.body
    );
    assert_eq!(
        app.get("/measures/no-such-measure.ics").await.status,
        StatusCode::NOT_FOUND
    );
    // A standing measure has no dates: no calendar, and no link to one.
    let standing = app.get("/measures/maribor-procelja.ics").await;
    assert_eq!(standing.status, StatusCode::NOT_FOUND);
    assert!(standing.body.contains("no dates"), "{}", standing.body);
    let page = app.get("/measures/maribor-procelja").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("maribor-procelja.ics"));
    let moved = app.get("/measures/stari-kranj.ics").await;
    assert_eq!(moved.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(moved.headers["location"], "/measures/kranj-najemnine.ics");
}

#[tokio::test]
async fn a_searchs_calendar_takes_applies_in_as_the_search_does() {
    let app = TempHandbook::fixture().app();
    let uids = |body: &str| -> Vec<String> {
        let mut ids: Vec<String> = parse(body)[0]
            .events
            .iter()
            .map(|e| property(&e.properties, "UID").unwrap())
            .collect();
        ids.sort();
        ids
    };
    let one = app.get("/calendar.ics?applies_in=piran").await;
    let two = app
        .get("/calendar.ics?municipality=piran&municipality=slovenija")
        .await;
    assert_eq!(one.status, StatusCode::OK);
    let (one, two) = (uids(&one.body), uids(&two.body));
    assert_eq!(one, two);
    assert!(one.iter().any(|u| u.starts_with("piran-")), "{one:?}");
    // Koper's measures are not Piran's.
    assert!(!one.iter().any(|u| u.starts_with("koper-")), "{one:?}");
}
