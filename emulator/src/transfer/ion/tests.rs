use super::*;
use crate::value::{AttributeValue, Item, Map, Number};
use proptest::prelude::*;

fn n(s: &str) -> AttributeValue {
    AttributeValue::N(Number::parse(s).unwrap())
}

fn read(line: &str) -> Item {
    read_item_line(line).unwrap_or_else(|e| panic!("{line}: {e}")).expect("an item")
}

#[test]
fn writes_the_documented_layout() {
    let mut item = Item::new();
    item.insert("Authors".into(), AttributeValue::Ss(["Author1".to_string(), "Author2".to_string()].into()));
    item.insert("Id".into(), n("103"));
    item.insert("InPublication".into(), AttributeValue::Bool(false));
    item.insert("PageCount".into(), n("600"));
    item.insert("Price".into(), n("-0.005"));
    item.insert("Ratio".into(), n("12.5"));
    item.insert("Title".into(), AttributeValue::S("Book \"103\"\n".into()));
    assert_eq!(
        item_line(&item),
        "$ion_1_0 {Item:{Authors:$dynamodb_SS::[\"Author1\",\"Author2\"],Id:103.,InPublication:false,\
         PageCount:6d2,Price:-0.005,Ratio:12.5,Title:\"Book \\\"103\\\"\\n\"}}"
    );
    let mut other = Item::new();
    other.insert("a b".into(), AttributeValue::B(vec![1, 2, 3]));
    other.insert("null".into(), AttributeValue::Null);
    other.insert("$x".into(), AttributeValue::Bs([vec![0xFF]].into()));
    other.insert(
        "ns".into(),
        AttributeValue::Ns([Number::parse("1").unwrap(), Number::parse("0").unwrap()].into()),
    );
    other.insert("m".into(), AttributeValue::M(Map::from([("l".to_string(), AttributeValue::L(vec![]))])));
    assert_eq!(
        item_line(&other),
        "$ion_1_0 {Item:{'$x':$dynamodb_BS::[{{/w==}}],'a b':{{AQID}},m:{l:[]},ns:$dynamodb_NS::[0.,1.],'null':null}}"
    );
}

/// The Developer Guide's example item ("DynamoDB table export output
/// format", Amazon Ion), written on one line as an export writes it.
#[test]
fn writes_the_documented_example() {
    let mut item = Item::new();
    item.insert("Authors".into(), AttributeValue::Ss(["Author1".to_string(), "Author2".to_string()].into()));
    item.insert("Dimensions".into(), AttributeValue::S("8.5 x 11.0 x 1.5".into()));
    item.insert("ISBN".into(), AttributeValue::S("333-3333333333".into()));
    item.insert("Id".into(), n("103"));
    item.insert("InPublication".into(), AttributeValue::Bool(false));
    item.insert("PageCount".into(), n("600"));
    item.insert("Price".into(), n("2000"));
    item.insert("ProductCategory".into(), AttributeValue::S("Book".into()));
    item.insert("Title".into(), AttributeValue::S("Book 103 Title".into()));
    assert_eq!(
        item_line(&item),
        "$ion_1_0 {Item:{Authors:$dynamodb_SS::[\"Author1\",\"Author2\"],Dimensions:\"8.5 x 11.0 x 1.5\",\
         ISBN:\"333-3333333333\",Id:103.,InPublication:false,PageCount:6d2,Price:2d3,ProductCategory:\"Book\",\
         Title:\"Book 103 Title\"}}"
    );
}

#[test]
fn reads_the_documented_example_and_every_type() {
    let item = read(
        "$ion_1_0 {Item:{Authors:$dynamodb_SS::[\"Author1\",\"Author2\"],Dimensions:\"8.5 x 11.0 x 1.5\",\
         ISBN:\"333-3333333333\",Id:103.,InPublication:false,PageCount:6d2,Price:2d3,ProductCategory:\"Book\",\
         Title:\"Book 103 Title\"}}",
    );
    assert_eq!(item.get("Id"), Some(&n("103")));
    assert_eq!(item.get("PageCount"), Some(&n("600")));
    assert_eq!(item.get("Price"), Some(&n("2000")));
    assert_eq!(item.get("InPublication"), Some(&AttributeValue::Bool(false)));
    assert_eq!(
        item.get("Authors"),
        Some(&AttributeValue::Ss(["Author1".to_string(), "Author2".to_string()].into()))
    );
    // Other writers' spellings of the same values.
    let item = read(
        "{ Item : { 'quoted name' : sym, \"s\": '''long ''' '''string''', i: 0x1F, f: 1.5e3, d: 1_000.25,\
         nul: null.string, b: {{ AQI= }}, c: {{\"hi\"}}, ns: $dynamodb_NS::[1, 2.5, 3d1], /* note */ \
         list: other::[true, {k: null}] } } // trailing",
    );
    assert_eq!(item.get("quoted name"), Some(&AttributeValue::S("sym".into())));
    assert_eq!(item.get("s"), Some(&AttributeValue::S("long string".into())));
    assert_eq!(item.get("i"), Some(&n("31")));
    assert_eq!(item.get("f"), Some(&n("1500")));
    assert_eq!(item.get("d"), Some(&n("1000.25")));
    assert_eq!(item.get("nul"), Some(&AttributeValue::Null));
    assert_eq!(item.get("b"), Some(&AttributeValue::B(vec![1, 2])));
    assert_eq!(item.get("c"), Some(&AttributeValue::B(b"hi".to_vec())));
    // `//` inside a blob is base64, not a comment.
    assert_eq!(read("{Item:{b:{{ //A= }}}}").get("b"), Some(&AttributeValue::B(vec![0xFF, 0xF0])));
    assert_eq!(
        item.get("ns"),
        Some(&AttributeValue::Ns(["1", "2.5", "30"].iter().map(|s| Number::parse(s).unwrap()).collect()))
    );
    assert_eq!(
        item.get("list"),
        Some(&AttributeValue::L(vec![
            AttributeValue::Bool(true),
            AttributeValue::M(Map::from([("k".to_string(), AttributeValue::Null)]))
        ]))
    );
    // Lines without a value are not items and not errors.
    for empty in ["", "   ", "$ion_1_0", "// a comment", "$ion_symbol_table::{imports:[]}"] {
        assert_eq!(read_item_line(empty), Ok(None), "{empty:?}");
    }
}

#[test]
fn malformed_lines_say_what_is_wrong() {
    let cases = [
        ("{Item:{a:1}", "expected , or } in a struct"),
        ("{Item:{a:\"x}}", "unterminated string"),
        ("[1]", "expected a struct"),
        ("{Thing:{a:1}}", "the one field Item"),
        ("{Item:{a:1}} {Item:{b:2}}", "expected one value"),
        ("{Item:{t:2007-02-23T12:14Z}}", "timestamps"),
        ("{Item:{s:(a b)}}", "s-expressions"),
        ("{Item:{f:nan}}", "nan"),
        ("{Item:{f:+inf}}", "infinity"),
        ("{Item:{n:1.2.3}}", "invalid number"),
        ("{Item:{n:1d200}}", "invalid number"),
        ("{Item:{b:{{not base64!}}}}", "base64"),
        ("{Item:{s:$dynamodb_SS::[1]}}", "not a string"),
        ("{Item:{s:$dynamodb_NS::[\"1\"]}}", "not a number"),
        ("{Item:{s:$dynamodb_BS::[\"1\"]}}", "not a blob"),
        ("{Item:{s:$dynamodb_SS::\"x\"}}", "not a list"),
        ("{Item:{s:$dynamodb_XS::[]}}", "unknown annotation"),
        ("{Item:{s:$dynamodb_SS::[]}}", "empty"),
        ("{Item:{s:$dynamodb_SS::[\"a\",\"a\"]}}", "duplicate"),
        ("{Item:{a:1,a:2}}", "duplicate attribute"),
        ("{Item:{a:\"\\q\"}}", "unknown escape"),
        ("{Item:{a:$10}}", "symbol ids"),
        ("{Item:{null:1}}", "keyword"),
        ("{Item:{a 1}}", "expected :"),
    ];
    for (line, want) in cases {
        let got = read_item_line(line).expect_err(line);
        assert!(got.contains(want), "{line}: {got}");
    }
    let deep = format!("{{Item:{{a:{}{}}}}}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(read_item_line(&deep).unwrap_err().contains("nested too deeply"));
}

proptest! {
    #[test]
    fn any_item_round_trips(entries in proptest::collection::btree_map(".{1,6}", crate::value::arbitrary::attribute_value(), 0..8)) {
        let item: Item = entries.into_iter().collect();
        let line = item_line(&item);
        prop_assert!(!line.contains('\n'));
        prop_assert_eq!(read_item_line(&line), Ok(Some(item)));
    }

    #[test]
    fn any_text_reads_or_fails_without_panicking(line in ".{0,80}") {
        let _ = read_item_line(&line);
        let _ = read_item_line(&format!("{{Item:{{a:{line}}}}}"));
    }
}
