//! A small JSON value type with a strict parser and a serializer (RFC 8259).
//!
//! The parser never panics: malformed input of any kind, including invalid
//! escapes, lone surrogates, raw control characters, malformed numbers,
//! trailing garbage and nesting deeper than [`MAX_DEPTH`], gives a
//! [`JsonError`]. Duplicate member names in an object are rejected too, so a
//! document cannot mean one thing to the host and another to the plugin.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::fmt::Write as _;

/// Deepest nesting of arrays and objects the parser accepts.
pub const MAX_DEPTH: usize = 128;

/// A JSON value. Objects keep their members in document order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

/// A JSON number, kept as its (validated) text so that no precision is
/// lost; convert with [`Number::as_i64`], [`Number::as_u64`] or
/// [`Number::as_f64`]. Equality compares the text (`1.0` is not `1`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Number(String);

impl Number {
    /// The number's text, as written in the document.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True if the text has no fraction and no exponent.
    pub fn is_integer(&self) -> bool {
        !self.0.bytes().any(|b| matches!(b, b'.' | b'e' | b'E'))
    }

    /// The value if it is an integer that fits an `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        if self.is_integer() {
            self.0.parse().ok()
        } else {
            None
        }
    }

    /// The value if it is an integer that fits a `u64`.
    pub fn as_u64(&self) -> Option<u64> {
        if self.is_integer() && !self.0.starts_with('-') {
            self.0.parse().ok()
        } else if self.0 == "-0" {
            Some(0)
        } else {
            None
        }
    }

    /// The nearest `f64`, or `None` if the magnitude is beyond `f64`.
    pub fn as_f64(&self) -> Option<f64> {
        self.0.parse::<f64>().ok().filter(|x| x.is_finite())
    }

    /// The shortest text that reads back as `x`; `None` for NaN and infinities.
    pub fn from_f64(x: f64) -> Option<Number> {
        if x.is_finite() {
            let mut text = String::new();
            write_f64(&mut text, x);
            Some(Number(text))
        } else {
            None
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<i64> for Number {
    fn from(n: i64) -> Number {
        let mut text = String::new();
        write_i64(&mut text, n);
        Number(text)
    }
}

impl From<u64> for Number {
    fn from(n: u64) -> Number {
        let mut text = String::new();
        write_u64(&mut text, n);
        Number(text)
    }
}

impl From<i32> for Number {
    fn from(n: i32) -> Number {
        Number::from(n as i64)
    }
}

impl From<u32> for Number {
    fn from(n: u32) -> Number {
        Number::from(n as u64)
    }
}

/// Why a document was rejected, and the byte offset where that was noticed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    pub offset: usize,
    pub message: &'static str,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

/// Parses one JSON document (surrounding whitespace allowed).
pub fn parse(text: &str) -> Result<Value, JsonError> {
    let mut p = Parser { text, bytes: text.as_bytes(), pos: 0 };
    p.skip_ws();
    let value = p.value(0)?;
    p.skip_ws();
    if p.pos != p.bytes.len() {
        return Err(p.err("unexpected data after the JSON value"));
    }
    Ok(value)
}

impl Value {
    /// Same as [`parse`].
    pub fn parse(text: &str) -> Result<Value, JsonError> {
        parse(text)
    }

    /// Serializes to compact JSON. Non-finite floats are written as `null`.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    /// Appends compact JSON to `out`.
    pub fn write_json(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(true) => out.push_str("true"),
            Value::Bool(false) => out.push_str("false"),
            Value::Number(n) => out.push_str(n.as_str()),
            Value::String(s) => write_string(out, s),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_json(out);
                }
                out.push(']');
            }
            Value::Object(members) => {
                out.push('{');
                for (i, (key, item)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(out, key);
                    out.push(':');
                    item.write_json(out);
                }
                out.push('}');
            }
        }
    }

    /// The member named `key` of an object (the first one if several).
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Removes and returns the member named `key` of an object.
    pub fn take(&mut self, key: &str) -> Option<Value> {
        match self {
            Value::Object(members) => {
                let index = members.iter().position(|(k, _)| k == key)?;
                Some(members.remove(index).1)
            }
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        self.as_number().and_then(Number::as_i64)
    }

    pub fn as_u64(&self) -> Option<u64> {
        self.as_number().and_then(Number::as_u64)
    }

    /// Any number as the nearest `f64`.
    pub fn as_f64(&self) -> Option<f64> {
        self.as_number().and_then(Number::as_f64)
    }

    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[(String, Value)]> {
        match self {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<Number> for Value {
    fn from(n: Number) -> Value {
        Value::Number(n)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Number(n.into())
    }
}

impl From<u64> for Value {
    fn from(n: u64) -> Value {
        Value::Number(n.into())
    }
}

impl From<i32> for Value {
    fn from(n: i32) -> Value {
        Value::Number(n.into())
    }
}

impl From<u32> for Value {
    fn from(n: u32) -> Value {
        Value::Number(n.into())
    }
}

/// NaN and infinities become `null` (JSON has no such numbers).
impl From<f64> for Value {
    fn from(x: f64) -> Value {
        match Number::from_f64(x) {
            Some(n) => Value::Number(n),
            None => Value::Null,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(String::from(s))
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        match v {
            Some(v) => v.into(),
            None => Value::Null,
        }
    }
}

/// Appends `s` as a JSON string literal (quotes included). Escapes `"`, `\`
/// and the control characters U+0000 to U+001F; everything else is copied.
pub fn write_string(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    // Size the output once rather than doubling (and copying) as it grows.
    let len = string_len(s);
    out.reserve(len);
    out.push('"');
    if len == s.len() + 2 {
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        // Every byte that stops the scan is ASCII, so these are char boundaries.
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0xf) as usize] as char);
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// The length of `s` written as a JSON string literal, quotes included.
pub fn string_len(s: &str) -> usize {
    let extra: usize = s
        .bytes()
        .map(|b| match b {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 1,
            0x00..=0x1f => 5,
            _ => 0,
        })
        .sum();
    s.len() + extra + 2
}

/// Appends a JSON number for an `i64`.
pub fn write_i64(out: &mut String, n: i64) {
    let _ = write!(out, "{}", n);
}

/// Appends a JSON number for a `u64`.
pub fn write_u64(out: &mut String, n: u64) {
    let _ = write!(out, "{}", n);
}

/// Appends a JSON number for an `f64`: the shortest decimal that reads back
/// as exactly `x` (the digits core's `Display` would give), in plain notation
/// for exponents -6..=20 and in `1.5e-7` notation beyond. NaN and infinities
/// are written as `null`, since JSON has no such numbers. Integral values get
/// a `.0`, so they read back as floats.
pub fn write_f64(out: &mut String, x: f64) {
    if !x.is_finite() {
        out.push_str("null");
        return;
    }
    if x.is_sign_negative() {
        out.push('-');
    }
    if x == 0.0 {
        out.push_str("0.0");
        return;
    }
    // |x| = 0.d1d2...dn * 10^point
    let (digits, point) = shortest_digits(f64::from_bits(x.to_bits() & !(1u64 << 63)));
    let n = digits.len() as i32;
    let push_digits = |out: &mut String, d: &[u8]| d.iter().for_each(|&c| out.push(c as char));
    let push_zeros = |out: &mut String, count: i32| (0..count).for_each(|_| out.push('0'));
    if !(-5..=21).contains(&point) {
        push_digits(out, &digits[..1]);
        if n > 1 {
            out.push('.');
            push_digits(out, &digits[1..]);
        }
        out.push('e');
        write_i64(out, (point - 1) as i64);
    } else if point <= 0 {
        out.push_str("0.");
        push_zeros(out, -point);
        push_digits(out, &digits);
    } else if point >= n {
        push_digits(out, &digits);
        push_zeros(out, point - n);
        out.push_str(".0");
    } else {
        push_digits(out, &digits[..point as usize]);
        out.push('.');
        push_digits(out, &digits[point as usize..]);
    }
}

/// For a finite `x > 0`: the fewest decimal digits (ASCII) and the decimal
/// point position such that the number reads back as `x`; among those, the
/// closest to `x`. Works on exact decimal expansions, so it is slow-ish
/// (a few thousand multiplications) but small and exact.
fn shortest_digits(x: f64) -> (Vec<u8>, i32) {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    let (m, e) = if biased == 0 { (fraction, -1074) } else { (fraction | (1u64 << 52), biased - 1075) };
    // x = m * 2^e. Everything reading back as x lies between the midpoints
    // to its neighbours; scaled by 2^(e-2) they are integers. Below a power
    // of two the lower neighbour is half as far.
    let mid = 4 * m;
    let high = 4 * m + 2;
    let low = if fraction == 0 && biased > 1 { 4 * m - 1 } else { 4 * m - 2 };
    // Round-half-even on reading: the midpoints themselves read back as x
    // when m is even.
    let inclusive = m % 2 == 0;
    let shift = e - 2;
    let scale10 = shift.min(0); // each value = its integer digits * 10^scale10

    let high_digits = exact_decimal(high, shift);
    let width = high_digits.len() + 1;
    let pad = |d: Vec<u8>| {
        let mut v = alloc::vec![b'0'; width - d.len()];
        v.extend_from_slice(&d);
        v
    };
    let mid = pad(exact_decimal(mid, shift));
    let low = pad(exact_decimal(low, shift));
    let high = pad(high_digits);
    let first = mid.iter().position(|&d| d != b'0').unwrap_or(width - 1);

    for cut in first + 1..=width {
        // The two numbers with digits only before `cut` that bracket x.
        let mut lower = mid.clone();
        lower[cut..].iter_mut().for_each(|d| *d = b'0');
        let mut upper = lower.clone();
        let mut i = cut;
        while i > 0 {
            i -= 1;
            if upper[i] == b'9' {
                upper[i] = b'0';
            } else {
                upper[i] += 1;
                break;
            }
        }
        let lower_ok = if inclusive { lower >= low } else { lower > low };
        let upper_ok = if inclusive { upper <= high } else { upper < high };
        let pick_upper = match (lower_ok, upper_ok) {
            (false, false) => continue,
            (true, false) => false,
            (false, true) => true,
            (true, true) => {
                // The closer one; on a tie the upper one, as core does.
                // Compare the dropped digits with half a unit at `cut`.
                let rest = &mid[cut..];
                let half = core::iter::once(b'5').chain(core::iter::repeat(b'0')).take(rest.len());
                !rest.is_empty() && rest.iter().copied().cmp(half) != core::cmp::Ordering::Less
            }
        };
        let chosen = if pick_upper { upper } else { lower };
        let lead = chosen.iter().position(|&d| d != b'0').unwrap_or(0);
        let last = chosen.iter().rposition(|&d| d != b'0').unwrap_or(lead);
        let point = (width - lead) as i32 + scale10;
        return (chosen[lead..=last].to_vec(), point);
    }
    // Not reached: at the last cut `lower` is x itself.
    (alloc::vec![b'0'], 1)
}

/// Decimal digits of `v * 2^shift` if `shift >= 0`, else of `v * 5^-shift`
/// (that is, of `v * 2^shift * 10^-shift`).
fn exact_decimal(v: u64, shift: i32) -> Vec<u8> {
    const BASE: u64 = 1_000_000_000;
    // Little-endian limbs in base 10^9.
    let mut limbs: Vec<u32> = alloc::vec![(v % BASE) as u32, (v / BASE % BASE) as u32, (v / BASE / BASE) as u32];
    let (mut count, factor, chunk) = if shift >= 0 { (shift, 2u64, 29) } else { (-shift, 5u64, 13) };
    while count > 0 {
        let k = count.min(chunk);
        count -= k;
        let f = factor.pow(k as u32);
        let mut carry = 0u64;
        for limb in limbs.iter_mut() {
            let t = *limb as u64 * f + carry;
            *limb = (t % BASE) as u32;
            carry = t / BASE;
        }
        while carry > 0 {
            limbs.push((carry % BASE) as u32);
            carry /= BASE;
        }
    }
    while limbs.len() > 1 && limbs[limbs.len() - 1] == 0 {
        limbs.pop();
    }
    let mut digits = Vec::with_capacity(limbs.len() * 9);
    for (i, &limb) in limbs.iter().rev().enumerate() {
        let mut chunk = [b'0'; 9];
        let mut l = limb;
        for d in chunk.iter_mut().rev() {
            *d = b'0' + (l % 10) as u8;
            l /= 10;
        }
        let skip = if i == 0 { chunk.iter().position(|&d| d != b'0').unwrap_or(8) } else { 0 };
        digits.extend_from_slice(&chunk[skip..]);
    }
    digits
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    fn err(&self, message: &'static str) -> JsonError {
        JsonError { offset: self.pos, message }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &'static str, value: Value) -> Result<Value, JsonError> {
        let end = self.pos + word.len();
        if self.bytes.get(self.pos..end) == Some(word.as_bytes()) {
            self.pos = end;
            Ok(value)
        } else {
            Err(self.err("invalid literal"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, JsonError> {
        match self.peek() {
            None => Err(self.err("unexpected end of input")),
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => Ok(Value::String(self.string()?)),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.err("expected a JSON value")),
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        self.pos += 1; // '['
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                None => return Err(self.err("unexpected end of input in array")),
                Some(_) => return Err(self.err("expected ',' or ']'")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        let open = self.pos;
        self.pos += 1; // '{'
        let mut members: Vec<(String, Value)> = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b'"') => {}
                None => return Err(self.err("unexpected end of input in object")),
                Some(_) => return Err(self.err("expected a member name")),
            }
            let key = self.string()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.err("expected ':'"));
            }
            self.pos += 1;
            self.skip_ws();
            let item = self.value(depth)?;
            members.push((key, item));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                None => return Err(self.err("unexpected end of input in object")),
                Some(_) => return Err(self.err("expected ',' or '}'")),
            }
        }
        if has_duplicate_key(&members) {
            return Err(JsonError { offset: open, message: "duplicate member name in object" });
        }
        Ok(Value::Object(members))
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.pos += 1; // opening quote
        // The decoded text is never longer than the literal: size it once
        // rather than doubling (and copying) while it grows.
        let mut end = self.pos;
        while let Some(&b) = self.bytes.get(end) {
            match b {
                b'"' => break,
                b'\\' => end += 2,
                _ => end += 1,
            }
        }
        let mut out = String::with_capacity(end.min(self.bytes.len()) - self.pos);
        loop {
            let start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // The scan stops only at ASCII bytes or the end, so both ends are
            // char boundaries of the (valid UTF-8) input.
            out.push_str(&self.text[start..self.pos]);
            match self.peek() {
                None => return Err(self.err("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = self.escape()?;
                    out.push(c);
                }
                Some(_) => return Err(self.err("control character in string")),
            }
        }
    }

    /// After a backslash: one escape, giving one char.
    fn escape(&mut self) -> Result<char, JsonError> {
        let b = match self.peek() {
            Some(b) => b,
            None => return Err(self.err("unterminated escape")),
        };
        self.pos += 1;
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let first = self.hex4()?;
                let code = match first {
                    0xD800..=0xDBFF => {
                        if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u".as_slice()) {
                            return Err(self.err("high surrogate not followed by a low surrogate"));
                        }
                        self.pos += 2;
                        let second = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&second) {
                            return Err(self.err("high surrogate not followed by a low surrogate"));
                        }
                        0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                    }
                    0xDC00..=0xDFFF => return Err(self.err("lone low surrogate")),
                    other => other,
                };
                match char::from_u32(code) {
                    Some(c) => c,
                    None => return Err(self.err("invalid \\u escape")),
                }
            }
            _ => {
                self.pos -= 1;
                return Err(self.err("invalid escape"));
            }
        };
        Ok(c)
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut code = 0u32;
        for _ in 0..4 {
            let digit = match self.peek() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                _ => return Err(self.err("expected four hex digits in \\u escape")),
            };
            code = code * 16 + digit as u32;
            self.pos += 1;
        }
        Ok(code)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Value, JsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.err("leading zero in number"));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.err("expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.err("expected a digit after '.'"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.err("expected a digit in exponent"));
            }
        }
        Ok(Value::Number(Number(String::from(&self.text[start..self.pos]))))
    }
}

fn has_duplicate_key(members: &[(String, Value)]) -> bool {
    if members.len() < 2 {
        return false;
    }
    if members.len() <= 8 {
        return members
            .iter()
            .enumerate()
            .any(|(i, (k, _))| members[..i].iter().any(|(other, _)| other == k));
    }
    let mut keys: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
    heap_sort(&mut keys);
    keys.windows(2).any(|pair| pair[0] == pair[1])
}

/// In-place heap sort: O(n log n) on any input, and much smaller code than
/// the standard library's sorts.
fn heap_sort(v: &mut [&str]) {
    fn sift_down(v: &mut [&str], mut root: usize, end: usize) {
        loop {
            let mut child = 2 * root + 1;
            if child >= end {
                return;
            }
            if child + 1 < end && v[child] < v[child + 1] {
                child += 1;
            }
            if v[root] >= v[child] {
                return;
            }
            v.swap(root, child);
            root = child;
        }
    }
    let n = v.len();
    for start in (0..n / 2).rev() {
        sift_down(v, start, n);
    }
    for end in (1..n).rev() {
        v.swap(0, end);
        sift_down(v, 0, end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::string::ToString;
    use alloc::vec;

    fn ok(text: &str) -> Value {
        match parse(text) {
            Ok(v) => v,
            Err(e) => panic!("{:?} should parse: {}", text, e),
        }
    }

    fn bad(text: &str) -> JsonError {
        match parse(text) {
            Ok(v) => panic!("{:?} should be rejected, got {:?}", text, v),
            Err(e) => e,
        }
    }

    #[test]
    fn parses_scalars() {
        assert_eq!(ok("null"), Value::Null);
        assert_eq!(ok(" true "), Value::Bool(true));
        assert_eq!(ok("\t\r\nfalse"), Value::Bool(false));
        assert_eq!(ok("0").as_i64(), Some(0));
        assert_eq!(ok("-0").as_u64(), Some(0));
        assert_eq!(ok("42").as_u64(), Some(42));
        assert_eq!(ok("-42").as_u64(), None);
        assert_eq!(ok("-9223372036854775808").as_i64(), Some(i64::MIN));
        assert_eq!(ok("9223372036854775807").as_i64(), Some(i64::MAX));
        assert_eq!(ok("9223372036854775808").as_i64(), None);
        assert_eq!(ok("18446744073709551615").as_u64(), Some(u64::MAX));
        assert_eq!(ok("18446744073709551616").as_f64(), Some(18446744073709551616.0));
        assert_eq!(ok("1.5").as_f64(), Some(1.5));
        assert_eq!(ok("1.0").as_i64(), None);
        assert_eq!(ok("-2.5e3").as_f64(), Some(-2500.0));
        assert_eq!(ok("1E-2").as_f64(), Some(0.01));
        assert_eq!(ok("1e+2").as_f64(), Some(100.0));
        assert_eq!(ok("1e400").as_f64(), None);
        assert_eq!(ok("12345678901234567890123").as_number().unwrap().as_str(), "12345678901234567890123");
        assert_eq!(ok("\"\""), Value::String(String::new()));
    }

    #[test]
    fn parses_containers_in_order() {
        let v = ok(r#" { "b" : [1, 2.0, "x", null, [], {}], "a": {"c": true} } "#);
        let members = v.as_object().unwrap();
        assert_eq!(members[0].0, "b");
        assert_eq!(members[1].0, "a");
        assert_eq!(v.get("a").unwrap().get("c"), Some(&Value::Bool(true)));
        let items = v.get("b").unwrap().as_array().unwrap();
        assert_eq!(items.len(), 6);
        assert_eq!(items[1].as_number().unwrap().as_str(), "2.0");
        assert_eq!(v.get("missing"), None);
    }

    #[test]
    fn decodes_every_escape() {
        let v = ok(r#""\"\\\/\b\f\n\r\t\u0041\u00e9\u20AC\ud83d\ude00""#);
        assert_eq!(v.as_str().unwrap(), "\"\\/\u{8}\u{c}\n\r\tAé€😀");
        assert_eq!(ok("\"h\u{e9}llo \u{1F600}\"").as_str().unwrap(), "héllo 😀");
        assert_eq!(ok(r#""\u0000""#).as_str().unwrap(), "\0");
        assert_eq!(ok(r#""\uDBFF\uDFFF""#).as_str().unwrap(), "\u{10FFFF}");
    }

    #[test]
    fn rejects_malformed_documents() {
        for text in [
            "", " ", "nul", "nulll", "tru", "True", "+1", "01", "-", "-a", "1.", ".5", "1e", "1e+",
            "0x10", "NaN", "Infinity", "-Infinity", "1e-", "--1", "1.e3", "\"abc", "\"\\x\"", "\"\\u12\"",
            "\"\\u12G4\"", "\"\\ud800\"", "\"\\ud800x\"", "\"\\ud800\\u0041\"", "\"\\udc00\"",
            "\"a\nb\"", "\"\t\"", "[", "[1", "[1,", "[1,]", "[,1]", "[1 2]", "]", "{", "{\"a\"",
            "{\"a\":", "{\"a\":1", "{\"a\":1,}", "{a:1}", "{\"a\" 1}", "{1:1}", "}", "1 2",
            "{} x", "[]]", "\u{feff}1", "'a'", "{\"a\":1,\"a\":2}",
        ] {
            bad(text);
        }
    }

    #[test]
    fn rejects_duplicates_in_large_objects() {
        let mut text = String::from("{");
        for i in 0..20 {
            text.push_str(&format!("\"k{}\":{},", i, i));
        }
        text.push_str("\"k7\":0}");
        assert_eq!(bad(&text).message, "duplicate member name in object");
        text.truncate(text.len() - "\"k7\":0}".len() - 1); // and the comma
        text.push('}');
        assert_eq!(ok(&text).as_object().unwrap().len(), 20);
    }

    #[test]
    fn reports_offsets() {
        let e = bad("[1, 2, x]");
        assert_eq!(e.offset, 7);
        assert_eq!(e.to_string(), "expected a JSON value at byte 7");
    }

    #[test]
    fn limits_nesting_depth() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        ok(&deep(MAX_DEPTH));
        assert_eq!(bad(&deep(MAX_DEPTH + 1)).message, "nesting too deep");
        assert_eq!(bad(&deep(100_000)).message, "nesting too deep");
        let objects = format!("{}1{}", "{\"a\":".repeat(MAX_DEPTH + 1), "}".repeat(MAX_DEPTH + 1));
        assert_eq!(bad(&objects).message, "nesting too deep");
    }

    #[test]
    fn serializes_compactly_with_escapes() {
        let v = Value::Object(vec![
            ("s".into(), "q\"b\\n\n\r\t\u{8}\u{c}\u{1}\u{1f}é😀/".into()),
            ("i".into(), Value::from(-7i64)),
            ("f".into(), Value::from(0.1)),
            ("g".into(), Value::from(3.0)),
            ("n".into(), Value::from(f64::NAN)),
            ("a".into(), Value::Array(vec![Value::Null, true.into(), false.into()])),
            ("o".into(), Value::Object(vec![])),
        ]);
        assert_eq!(
            v.to_json(),
            r#"{"s":"q\"b\\n\n\r\t\b\f\u0001\u001fé😀/","i":-7,"f":0.1,"g":3.0,"n":null,"a":[null,true,false],"o":{}}"#
        );
    }

    #[test]
    fn leaves_non_control_characters_alone() {
        assert_eq!(Value::from("\u{7f}\u{80}\u{2028}\u{10ffff}").to_json(), "\"\u{7f}\u{80}\u{2028}\u{10ffff}\"");
    }

    #[test]
    fn round_trips() {
        for text in [
            r#"{"a":[1,-2,3.25,1e-7,1e21,"x\u0000y"],"b":{"c":null,"d":[[[]]]},"e":"😀\u2028"}"#,
            r#""\ud83d\ude00 \\ \" \/""#,
            "[1.7976931348623157e308,5e-324,-0.0,-0,1E+2,0.5e-3]",
        ] {
            let v = ok(text);
            let again = ok(&v.to_json());
            assert_eq!(v, again, "{}", text);
            assert_eq!(again.to_json(), v.to_json());
        }
    }

    fn f64_text(x: f64) -> String {
        let mut out = String::new();
        write_f64(&mut out, x);
        out
    }

    #[test]
    fn formats_floats() {
        for (x, text) in [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (-2.5, "-2.5"),
            (0.1, "0.1"),
            (0.3, "0.3"),
            (0.1 + 0.2, "0.30000000000000004"),
            (100.0, "100.0"),
            (123456.789, "123456.789"),
            (1e20, "100000000000000000000.0"),
            (1e21, "1e21"),
            (1.5e300, "1.5e300"),
            (1e-6, "0.000001"),
            (1.25e-6, "0.00000125"),
            (1e-7, "1e-7"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e308"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (f64::EPSILON, "2.220446049250313e-16"),
            (9007199254740993.0, "9007199254740992.0"),
            (f64::NAN, "null"),
            (f64::INFINITY, "null"),
            (f64::NEG_INFINITY, "null"),
        ] {
            assert_eq!(f64_text(x), text, "{:e}", x);
        }
    }

    /// Splits core's Display output into significant digits and point position.
    fn core_digits(x: f64) -> (String, i32) {
        let text = format!("{}", x.abs());
        let (int, frac) = match text.split_once('.') {
            Some((i, f)) => (i.to_string(), f.to_string()),
            None => (text.clone(), String::new()),
        };
        let all = format!("{}{}", int, frac);
        let lead = all.len() - all.trim_start_matches('0').len();
        let digits = all.trim_start_matches('0').trim_end_matches('0').to_string();
        (digits, int.len() as i32 - lead as i32)
    }

    #[test]
    fn float_digits_match_core_and_read_back() {
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        let mut values: Vec<f64> = Vec::new();
        for i in 0..64 {
            values.push(f64::from_bits(1u64 << i));
            values.push(2f64.powi(i * 16 - 1074));
            values.push(10f64.powi(i * 10 - 320));
        }
        for _ in 0..20_000 {
            values.push(f64::from_bits(rng.next() & !(1u64 << 63)));
            // Short decimals, like prices.
            values.push((rng.below(1_000_000) as f64) / 10f64.powi(rng.below(9) as i32));
        }
        for x in values {
            if !x.is_finite() || x == 0.0 {
                continue;
            }
            let (digits, point) = shortest_digits(x);
            let ours = (String::from_utf8(digits).unwrap(), point);
            assert_eq!(ours, core_digits(x), "{:e}", x);
            let text = f64_text(x);
            assert_eq!(text.parse::<f64>().unwrap().to_bits(), x.to_bits(), "{}", text);
            assert_eq!(ok(&text).as_f64().map(f64::to_bits), Some(x.to_bits()));
        }
    }

    #[test]
    fn heap_sort_sorts() {
        let mut rng = Rng(7);
        for n in 0..40 {
            let words: Vec<String> = (0..n).map(|_| format!("k{}", rng.below(20))).collect();
            let mut keys: Vec<&str> = words.iter().map(|w| w.as_str()).collect();
            let mut expected = keys.clone();
            expected.sort();
            heap_sort(&mut keys);
            assert_eq!(keys, expected);
        }
    }

    /// Small deterministic generator, so the test needs no crates.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn never_panics_on_mutated_input() {
        let seeds = [
            r#"{"flowname":null,"payload":"h\u00e9llo \ud83d\ude00","request_id":"r-1","x":[1,2.5e3,true,{}]}"#,
            r#"[[[{"a":"\"\\\/\b\f\n\r\t"}]],-0.5E-3,false,null]"#,
        ];
        let alphabet: &[u8] = b"{}[],:\"\\/ubfnrt0123456789eE+-.aAdDfF \t\n\x01\xc3\xa9\xff";
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut accepted = 0;
        for round in 0..40_000 {
            let mut bytes = seeds[round % seeds.len()].as_bytes().to_vec();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(bytes.len() + 1);
                match rng.below(3) {
                    0 if at < bytes.len() => {
                        bytes.remove(at);
                    }
                    1 if at < bytes.len() => bytes[at] = alphabet[rng.below(alphabet.len())],
                    _ => bytes.insert(at, alphabet[rng.below(alphabet.len())]),
                }
            }
            if let Ok(text) = core::str::from_utf8(&bytes) {
                if let Ok(v) = parse(text) {
                    accepted += 1;
                    assert_eq!(ok(&v.to_json()), v);
                }
            }
        }
        assert!(accepted > 0);
    }

    #[test]
    fn every_truncation_is_rejected() {
        let text = r#"{"a":[1,2.5,"\u00e9\ud83d\ude00",{"b":null}],"c":true}"#;
        for end in 0..text.len() {
            if text.is_char_boundary(end) {
                bad(&text[..end]);
            }
        }
    }
}
