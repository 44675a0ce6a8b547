//! Exact decimal numbers with DynamoDB's 38 significant digits.
//!
//! Rules (Developer Guide, "Supported data types and naming rules",
//! <https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html>):
//! numbers are positive, negative or zero, with up to 38 digits of precision
//! ("Exceeding this results in an exception"); positive range 1E-130 to
//! 9.9999999999999999999999999999999999999E+125, negative range the mirror
//! image; leading and trailing zeroes are trimmed; numbers travel as strings.
//!
//! A [`Number`] is kept normalised (no trailing zeros in the mantissa, a single
//! zero), so the derived `PartialEq`/`Hash` are numeric equality and hashing.
//!
//! Accepted syntax (the service parses numbers like Java's `BigDecimal`):
//! an optional `+` or `-`, digits with an optional `.` (at least one digit on
//! either side: `5.`, `.5` are accepted, a lone `.` is not), then an optional
//! `e`/`E` with an optional sign and at least one digit. Nothing else: no
//! spaces, no `NaN`/`Infinity`, no hex, no `_` separators.
//!
//! When a value is both out of range and too precise, the range error wins
//! (real DynamoDB answers "Number overflow" for
//! `9.9999999999999999999999999999999999999E+125 + 1E+125`, whose exact
//! result has 39 digits); parsing uses the same order for consistency.
use std::cmp::Ordering;

/// Why a number string was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberError {
    /// Not a number at all.
    Invalid,
    /// Magnitude above 9.9999999999999999999999999999999999999E+125.
    Overflow,
    /// Non-zero magnitude below 1E-130.
    Underflow,
    /// More than 38 significant digits.
    Precision,
}

impl std::fmt::Display for NumberError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = match self {
            NumberError::Invalid => "invalid number",
            NumberError::Overflow => "number overflow",
            NumberError::Underflow => "number underflow",
            NumberError::Precision => "more than 38 significant digits",
        };
        f.write_str(s)
    }
}

impl std::error::Error for NumberError {}

/// Most significant digits a number may have.
pub const MAX_DIGITS: u32 = 38;
/// Largest allowed decimal exponent of the most significant digit (…E+125).
const MAX_ADJUSTED_EXP: i64 = 125;
/// Smallest allowed decimal exponent of the most significant digit (1E-130).
const MIN_ADJUSTED_EXP: i64 = -130;
/// Exponent strings are saturated at this magnitude while parsing; anything
/// that large is out of range whatever the digits are.
const EXP_SATURATION: i64 = 1_000_000_000_000_000;

/// 10^0 ..= 10^38 (10^38 < u128::MAX ≈ 3.4e38).
const POW10: [u128; 39] = {
    let mut t = [1u128; 39];
    let mut i = 1;
    while i < 39 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// Number of decimal digits of `m` (1 for 0).
fn digit_count(m: u128) -> u32 {
    let mut n = 1;
    while n < 39 && m >= POW10[n as usize] {
        n += 1;
    }
    n
}

/// An exact decimal: sign, up to 38 significant digits, exponent.
///
/// Packed to 8-byte alignment: a `u128` would otherwise align the struct,
/// and with it every `AttributeValue`, to 16 bytes (48-byte values instead
/// of 32). Fields are only ever read by value (the struct is `Copy`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(Rust, packed(8))]
pub struct Number {
    negative: bool,
    /// Significant digits, no trailing zeros (0 for zero).
    mantissa: u128,
    /// Value = mantissa * 10^exponent.
    exponent: i32,
}

impl Default for Number {
    fn default() -> Self {
        Number::zero()
    }
}

impl Number {
    /// Zero.
    pub fn zero() -> Number {
        Number { negative: false, mantissa: 0, exponent: 0 }
    }

    /// Whether this is zero.
    pub fn is_zero(&self) -> bool {
        self.mantissa == 0
    }

    /// Whether this is strictly below zero.
    pub fn is_negative(&self) -> bool {
        self.negative
    }

    /// The number of significant digits (0 for zero).
    pub fn significant_digits(&self) -> u32 {
        if self.mantissa == 0 {
            0
        } else {
            digit_count(self.mantissa)
        }
    }

    /// An exact conversion from `u64` (at most 20 digits: always in range).
    pub fn from_u64(v: u64) -> Number {
        Number::from_parts(false, u128::from(v), 0).unwrap_or_else(|_| Number::zero())
    }

    /// An exact conversion from `i64`.
    pub fn from_i64(v: i64) -> Number {
        Number::from_parts(v < 0, u128::from(v.unsigned_abs()), 0).unwrap_or_else(|_| Number::zero())
    }

    /// The raw fields `(negative, mantissa, exponent)`, the value being
    /// `(-1)^negative × mantissa × 10^exponent` with no trailing zeros in
    /// the mantissa. With [`Number::from_raw`]: the stored form of numbers.
    pub fn to_raw(&self) -> (bool, u128, i32) {
        (self.negative, self.mantissa, self.exponent)
    }

    /// The number with raw fields as [`Number::to_raw`] returned them. Fields
    /// that no valid number has are normalised or clamped rather than
    /// trusted, so a damaged stored form cannot make an out-of-range number.
    pub fn from_raw(negative: bool, mantissa: u128, exponent: i32) -> Number {
        Number::from_parts(negative, mantissa, i64::from(exponent)).unwrap_or_else(|_| Number::zero())
    }

    /// Builds `(-1)^negative * mantissa * 10^exponent`, normalising and
    /// checking range then precision.
    fn from_parts(negative: bool, mut mantissa: u128, exponent: i64) -> Result<Number, NumberError> {
        if mantissa == 0 {
            return Ok(Number::zero());
        }
        let mut exponent = exponent;
        loop {
            let (q, r) = (mantissa / 10, mantissa % 10);
            if r != 0 {
                break;
            }
            mantissa = q;
            exponent += 1;
        }
        let digits = digit_count(mantissa);
        let adjusted = exponent + i64::from(digits) - 1;
        check_range(adjusted)?;
        if digits > MAX_DIGITS {
            return Err(NumberError::Precision);
        }
        // In range with <= 38 digits: exponent is within [-167, 125].
        Ok(Number { negative, mantissa, exponent: exponent as i32 })
    }

    /// Parses DynamoDB's number syntax, normalising it.
    pub fn parse(s: &str) -> Result<Number, NumberError> {
        let b = s.as_bytes();
        let mut i = 0;
        let negative = match b.first() {
            Some(b'-') => {
                i = 1;
                true
            }
            Some(b'+') => {
                i = 1;
                false
            }
            _ => false,
        };
        let int_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let int_end = i;
        let (frac_start, frac_end) = if i < b.len() && b[i] == b'.' {
            i += 1;
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            (start, i)
        } else {
            (i, i)
        };
        if int_end == int_start && frac_end == frac_start {
            return Err(NumberError::Invalid);
        }
        let mut exp: i64 = 0;
        if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
            i += 1;
            let exp_negative = match b.get(i) {
                Some(b'-') => {
                    i += 1;
                    true
                }
                Some(b'+') => {
                    i += 1;
                    false
                }
                _ => false,
            };
            let exp_start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                exp = (exp * 10 + i64::from(b[i] - b'0')).min(EXP_SATURATION);
                i += 1;
            }
            if i == exp_start {
                return Err(NumberError::Invalid);
            }
            if exp_negative {
                exp = -exp;
            }
        }
        if i != b.len() {
            return Err(NumberError::Invalid);
        }

        // The digits, int part then fraction, as one virtual sequence.
        let int_digits = &b[int_start..int_end];
        let frac_digits = &b[frac_start..frac_end];
        let digit_at = |k: usize| -> u8 {
            if k < int_digits.len() {
                int_digits[k] - b'0'
            } else {
                frac_digits[k - int_digits.len()] - b'0'
            }
        };
        let total = int_digits.len() + frac_digits.len();
        let Some(first) = (0..total).find(|&k| digit_at(k) != 0) else {
            // All zeros (whatever the exponent): zero.
            return Ok(Number::zero());
        };
        let last = (0..total).rev().find(|&k| digit_at(k) != 0).unwrap_or(first);
        let sig = (last - first + 1) as i64;
        // Exponent of the most significant digit.
        let adjusted = int_digits.len() as i64 - 1 - first as i64 + exp;
        check_range(adjusted)?;
        if sig > i64::from(MAX_DIGITS) {
            return Err(NumberError::Precision);
        }
        let mut mantissa: u128 = 0;
        for k in first..=last {
            mantissa = mantissa * 10 + u128::from(digit_at(k));
        }
        let exponent = adjusted - (sig - 1);
        Ok(Number { negative, mantissa, exponent: exponent as i32 })
    }

    /// The negation (always representable).
    pub fn neg(&self) -> Number {
        if self.is_zero() {
            return Number::zero();
        }
        Number { negative: !self.negative, ..*self }
    }

    /// The absolute value.
    pub fn abs(&self) -> Number {
        Number { negative: false, ..*self }
    }

    /// Exact sum; errors when the result is out of range or needs more than 38 digits.
    pub fn add(&self, other: &Number) -> Result<Number, NumberError> {
        if self.is_zero() {
            return Ok(*other);
        }
        if other.is_zero() {
            return Ok(*self);
        }
        let (hi, lo) = if self.exponent >= other.exponent { (self, other) } else { (other, self) };
        let shift = (i64::from(hi.exponent) - i64::from(lo.exponent)) as usize;
        let low_exp = i64::from(lo.exponent);
        // Fast path: everything fits in u128.
        if shift < POW10.len() {
            if let Some(a) = hi.mantissa.checked_mul(POW10[shift]) {
                let b = lo.mantissa;
                if hi.negative == lo.negative {
                    if let Some(sum) = a.checked_add(b) {
                        return Number::from_parts(hi.negative, sum, low_exp);
                    }
                } else if a >= b {
                    return Number::from_parts(hi.negative, a - b, low_exp);
                } else {
                    return Number::from_parts(lo.negative, b - a, low_exp);
                }
            }
        }
        // Slow path: little-endian decimal digit vectors. Exponents of valid
        // numbers lie in [-167, 125], so these stay under ~330 digits.
        let mut a = vec![0u8; shift];
        a.extend(le_digits(hi.mantissa));
        let b = le_digits(lo.mantissa);
        let (negative, digits) = if hi.negative == lo.negative {
            (hi.negative, add_le(&a, &b))
        } else {
            match cmp_le(&a, &b) {
                Ordering::Equal => return Ok(Number::zero()),
                Ordering::Greater => (hi.negative, sub_le(&a, &b)),
                Ordering::Less => (lo.negative, sub_le(&b, &a)),
            }
        };
        Number::from_le_digits(negative, &digits, low_exp)
    }

    /// Exact difference.
    pub fn sub(&self, other: &Number) -> Result<Number, NumberError> {
        self.add(&other.neg())
    }

    /// Builds a number from little-endian digits times 10^exp_low.
    fn from_le_digits(negative: bool, digits: &[u8], exp_low: i64) -> Result<Number, NumberError> {
        let Some(top) = digits.iter().rposition(|&d| d != 0) else {
            return Ok(Number::zero());
        };
        let bottom = digits.iter().position(|&d| d != 0).unwrap_or(top);
        let adjusted = exp_low + top as i64;
        check_range(adjusted)?;
        let sig = top - bottom + 1;
        if sig > MAX_DIGITS as usize {
            return Err(NumberError::Precision);
        }
        let mut mantissa: u128 = 0;
        for &d in digits[bottom..=top].iter().rev() {
            mantissa = mantissa * 10 + u128::from(d);
        }
        Ok(Number { negative, mantissa, exponent: (exp_low + bottom as i64) as i32 })
    }

    /// Bytes this number counts for in item size.
    ///
    /// Developer Guide, "DynamoDB item sizes and formats"
    /// (<https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html>):
    /// "Numbers are variable length, with up to 38 significant digits. Leading
    /// and trailing zeroes are trimmed. The size of a number is approximately
    /// (number of UTF-8-encoded bytes of attribute name) + (1 byte per two
    /// significant digits) + (1 byte)."
    ///
    /// We implement exactly that reading: `ceil(significant_digits / 2) + 1`,
    /// with zero (no significant digits once zeros are trimmed) costing 1 byte.
    /// The documentation says nothing about the sign, so negative numbers cost
    /// the same as positive ones. (Third-party measurements suggest the real
    /// encoding pairs digits around the decimal point and adds a byte for
    /// negatives; that is not documented, so it is not followed here.)
    pub fn size(&self) -> usize {
        let sig = self.significant_digits() as usize;
        sig.div_ceil(2) + 1
    }

    /// An approximate `f64` (correctly rounded from the exact value).
    pub fn to_f64(&self) -> f64 {
        if self.is_zero() {
            return 0.0;
        }
        let sign = if self.negative { "-" } else { "" };
        format!("{sign}{}e{}", { self.mantissa }, { self.exponent }).parse().unwrap_or(0.0)
    }

    /// The exact value as an `i64`, if it is an integer in range.
    pub fn to_i64(&self) -> Option<i64> {
        if self.is_zero() {
            return Some(0);
        }
        if self.exponent < 0 || self.exponent > 18 {
            return None;
        }
        let m = self.mantissa.checked_mul(POW10[self.exponent as usize])?;
        if self.negative {
            if m <= u128::from(i64::MIN.unsigned_abs()) {
                Some((m as i128).wrapping_neg() as i64)
            } else {
                None
            }
        } else {
            i64::try_from(m).ok()
        }
    }

    /// Exponent of the most significant digit (only meaningful for non-zero).
    fn adjusted_exponent(&self) -> i64 {
        i64::from(self.exponent) + i64::from(digit_count(self.mantissa)) - 1
    }
}

fn check_range(adjusted: i64) -> Result<(), NumberError> {
    if adjusted > MAX_ADJUSTED_EXP {
        Err(NumberError::Overflow)
    } else if adjusted < MIN_ADJUSTED_EXP {
        Err(NumberError::Underflow)
    } else {
        Ok(())
    }
}

fn le_digits(mut m: u128) -> Vec<u8> {
    let mut v = Vec::with_capacity(39);
    while m > 0 {
        v.push((m % 10) as u8);
        m /= 10;
    }
    v
}

fn add_le(a: &[u8], b: &[u8]) -> Vec<u8> {
    let n = a.len().max(b.len());
    let mut out = Vec::with_capacity(n + 1);
    let mut carry = 0u8;
    for k in 0..n {
        let s = a.get(k).copied().unwrap_or(0) + b.get(k).copied().unwrap_or(0) + carry;
        out.push(s % 10);
        carry = s / 10;
    }
    if carry > 0 {
        out.push(carry);
    }
    out
}

/// `a - b` for `a >= b`.
fn sub_le(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(a.len());
    let mut borrow = 0i8;
    for (k, &ak) in a.iter().enumerate() {
        let mut d = ak as i8 - b.get(k).copied().unwrap_or(0) as i8 - borrow;
        if d < 0 {
            d += 10;
            borrow = 1;
        } else {
            borrow = 0;
        }
        out.push(d as u8);
    }
    out
}

fn cmp_le(a: &[u8], b: &[u8]) -> Ordering {
    let la = a.iter().rposition(|&d| d != 0).map_or(0, |p| p + 1);
    let lb = b.iter().rposition(|&d| d != 0).map_or(0, |p| p + 1);
    la.cmp(&lb).then_with(|| a[..la].iter().rev().cmp(b[..lb].iter().rev()))
}

impl std::str::FromStr for Number {
    type Err = NumberError;
    fn from_str(s: &str) -> Result<Number, NumberError> {
        Number::parse(s)
    }
}

/// Compares magnitudes of two non-zero numbers.
fn cmp_magnitude(a: &Number, b: &Number) -> Ordering {
    a.adjusted_exponent().cmp(&b.adjusted_exponent()).then_with(|| {
        let da = digit_count(a.mantissa);
        let db = digit_count(b.mantissa);
        // Both have <= 38 digits, so scaling to the longer length fits u128.
        let (ma, mb) = if da < db {
            (a.mantissa * POW10[(db - da) as usize], b.mantissa)
        } else {
            (a.mantissa, b.mantissa * POW10[(da - db) as usize])
        };
        ma.cmp(&mb)
    })
}

impl Ord for Number {
    fn cmp(&self, other: &Self) -> Ordering {
        let sign = |n: &Number| -> i8 {
            if n.is_zero() {
                0
            } else if n.negative {
                -1
            } else {
                1
            }
        };
        let (sa, sb) = (sign(self), sign(other));
        if sa != sb {
            return sa.cmp(&sb);
        }
        match sa {
            0 => Ordering::Equal,
            1 => cmp_magnitude(self, other),
            _ => cmp_magnitude(other, self),
        }
    }
}
impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Number {
    /// Appends a byte encoding whose byte order is this number order
    /// (memcomparable): a class byte (negative, zero, positive), then for
    /// the magnitude the adjusted exponent and the digits, terminated; all
    /// bytes after the class inverted for negatives. Keys use it for an
    /// inline comparison prefix.
    pub fn encode_ordered(&self, out: &mut Vec<u8>) {
        if self.is_zero() {
            out.push(0x02);
            return;
        }
        out.push(if self.negative { 0x01 } else { 0x03 });
        let start = out.len();
        // Adjusted exponents lie within about ±170; offset to stay positive.
        let adjusted = (self.adjusted_exponent() + 0x8000) as u16;
        out.extend_from_slice(&adjusted.to_be_bytes());
        let mut buf = [0u8; 40];
        out.extend_from_slice(mantissa_digits(self.mantissa, &mut buf).as_bytes());
        out.push(0x00);
        if self.negative {
            out[start..].iter_mut().for_each(|b| *b = !*b);
        }
    }
}

impl Number {
    /// Reads a number written by [`Number::encode_ordered`] from the start
    /// of `bytes`, returning it and the bytes it took; `None` if `bytes` do
    /// not start with such an encoding.
    pub fn decode_ordered(bytes: &[u8]) -> Option<(Number, usize)> {
        let negative = match *bytes.first()? {
            0x02 => return Some((Number::zero(), 1)),
            0x01 => true,
            0x03 => false,
            _ => return None,
        };
        let byte = |i: usize| bytes.get(i).map(|&b| if negative { !b } else { b });
        let adjusted = i64::from(u16::from_be_bytes([byte(1)?, byte(2)?])) - 0x8000;
        let (mut mantissa, mut digits, mut at) = (0u128, 0i64, 3);
        loop {
            match byte(at)? {
                0x00 => break,
                d @ b'0'..=b'9' if digits < i64::from(MAX_DIGITS) => {
                    mantissa = mantissa * 10 + u128::from(d - b'0');
                    digits += 1;
                }
                _ => return None,
            }
            at += 1;
        }
        let exponent = i32::try_from(adjusted - digits + 1).ok()?;
        Some((Number::from_raw(negative, mantissa, exponent), at + 1))
    }
}

/// Writes the decimal digits of `m` into the end of `buf`, returning them.
/// Numbers are serialised on every read, so this avoids u128 division per
/// digit (one split into two u64 halves) and any allocation.
fn mantissa_digits(m: u128, buf: &mut [u8; 40]) -> &str {
    fn put(mut v: u64, buf: &mut [u8; 40], mut at: usize, min_len: usize) -> usize {
        let end = at;
        while v > 0 || end - at < min_len {
            at -= 1;
            buf[at] = b'0' + (v % 10) as u8;
            v /= 10;
        }
        at
    }
    const TEN_POW_19: u128 = 10_000_000_000_000_000_000;
    let mut at = buf.len();
    if m < TEN_POW_19 {
        at = put(m as u64, buf, at, 1);
    } else {
        let (hi, lo) = ((m / TEN_POW_19), (m % TEN_POW_19) as u64);
        at = put(lo, buf, at, 19);
        at = put(hi as u64, buf, at, 1);
    }
    // Only ASCII digits were written.
    std::str::from_utf8(&buf[at..]).unwrap_or("0")
}

/// Writes `n` zeros.
fn zeros(f: &mut std::fmt::Formatter<'_>, mut n: usize) -> std::fmt::Result {
    const ZEROS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
    while n > 0 {
        let k = n.min(ZEROS.len());
        f.write_str(&ZEROS[..k])?;
        n -= k;
    }
    Ok(())
}

impl std::fmt::Display for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_zero() {
            return f.write_str("0");
        }
        let mut buf = [0u8; 40];
        let digits = mantissa_digits(self.mantissa, &mut buf);
        if self.negative {
            f.write_str("-")?;
        }
        if self.exponent >= 0 {
            f.write_str(digits)?;
            zeros(f, self.exponent as usize)
        } else {
            let k = self.exponent.unsigned_abs() as usize;
            if digits.len() > k {
                let (int, frac) = digits.split_at(digits.len() - k);
                f.write_str(int)?;
                f.write_str(".")?;
                f.write_str(frac)
            } else {
                f.write_str("0.")?;
                zeros(f, k - digits.len())?;
                f.write_str(digits)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn n(s: &str) -> Number {
        Number::parse(s).unwrap_or_else(|e| panic!("{s}: {e:?}"))
    }

    proptest! {
        #[test]
        fn ordered_encoding_follows_numeric_order(a in "-?[0-9]{1,20}(\\.[0-9]{1,15})?(e-?[0-9]{1,2})?",
                                                  b in "-?[0-9]{1,20}(\\.[0-9]{1,15})?(e-?[0-9]{1,2})?") {
            if let (Ok(a), Ok(b)) = (Number::parse(&a), Number::parse(&b)) {
                let (mut ea, mut eb) = (Vec::new(), Vec::new());
                a.encode_ordered(&mut ea);
                b.encode_ordered(&mut eb);
                prop_assert_eq!(ea.cmp(&eb), a.cmp(&b), "{} vs {}", a, b);
                ea.push(0x7F);
                prop_assert_eq!(Number::decode_ordered(&ea), Some((a, ea.len() - 1)));
            }
        }
    }

    #[test]
    fn display_of_wide_mantissas() {
        for s in [
            "12345678901234567890123456789012345678",
            "10000000000000000001",
            "9999999999999999999",
            "-1.0000000000000000000000000000000000001",
            "0.00000000000000000000012345678901234567890123",
        ] {
            assert_eq!(n(s).to_string(), s);
        }
        assert_eq!(n("1e20").to_string(), "100000000000000000000");
    }

    #[test]
    fn parses_and_normalises() {
        let cases = [
            ("0", "0"),
            ("-0", "0"),
            ("+0.000", "0"),
            ("0e99999999999999", "0"),
            ("-0e-99999999999999", "0"),
            ("1.50", "1.5"),
            ("1e2", "100"),
            ("1E+2", "100"),
            ("-0.00100", "-0.001"),
            ("00042", "42"),
            ("+7", "7"),
            (".5", "0.5"),
            ("5.", "5"),
            ("-.5e1", "-5"),
            ("123.456e-2", "1.23456"),
            ("1000000000000000000000000000000000000000000", "1000000000000000000000000000000000000000000"),
            ("12345678901234567890123456789012345678", "12345678901234567890123456789012345678"),
            ("0.00000000000000000000000000000000000000000000000000012345678901234567890123456789012345678000", "0.00000000000000000000000000000000000000000000000000012345678901234567890123456789012345678"),
        ];
        for (input, want) in cases {
            assert_eq!(n(input).to_string(), want, "input {input}");
        }
        let tiny = n("1E-130").to_string();
        assert_eq!(tiny, format!("0.{}1", "0".repeat(129)));
        let max = n("9.9999999999999999999999999999999999999E+125").to_string();
        assert_eq!(max, format!("{}{}", "9".repeat(38), "0".repeat(88)));
        assert_eq!(n("-1E-130").to_string(), format!("-0.{}1", "0".repeat(129)));
    }

    #[test]
    fn rejects_invalid() {
        for s in [
            "",
            " ",
            " 1",
            "1 ",
            "-",
            "+",
            ".",
            "-.",
            "e5",
            ".e5",
            "1e",
            "1e+",
            "1e-",
            "NaN",
            "nan",
            "Infinity",
            "-Infinity",
            "inf",
            "0x10",
            "1_000",
            "1,5",
            "1.2.3",
            "--1",
            "+-1",
            "1e5.5",
            "１",
            "1ee5",
            "1e5e5",
            "١",
        ] {
            assert_eq!(Number::parse(s), Err(NumberError::Invalid), "input {s:?}");
        }
    }

    #[test]
    fn range_and_precision() {
        assert_eq!(Number::parse("1E126"), Err(NumberError::Overflow));
        assert_eq!(Number::parse("-1E126"), Err(NumberError::Overflow));
        assert_eq!(Number::parse("10E125"), Err(NumberError::Overflow));
        assert_eq!(Number::parse("1e999999999999999999999999"), Err(NumberError::Overflow));
        assert_eq!(Number::parse("1E-131"), Err(NumberError::Underflow));
        assert_eq!(Number::parse("-0.1E-130"), Err(NumberError::Underflow));
        assert_eq!(Number::parse("1e-999999999999999999999999"), Err(NumberError::Underflow));
        assert!(Number::parse("1E125").is_ok());
        assert!(Number::parse("1E-130").is_ok());
        assert!(Number::parse("9.9999999999999999999999999999999999999E+125").is_ok());
        assert_eq!(
            Number::parse("9.99999999999999999999999999999999999999E+125"),
            Err(NumberError::Precision)
        );
        assert_eq!(Number::parse("123456789012345678901234567890123456789"), Err(NumberError::Precision));
        assert_eq!(Number::parse("1.00000000000000000000000000000000000001"), Err(NumberError::Precision));
        assert!(Number::parse("1.0000000000000000000000000000000000001").is_ok());
        // Range is checked before precision.
        assert_eq!(Number::parse(&format!("1{}1e200", "0".repeat(50))), Err(NumberError::Overflow));
        // Many zeros do not count.
        assert!(Number::parse(&format!("0.{}1{}", "0".repeat(100), "0".repeat(5000))).is_ok());
        assert!(Number::parse(&format!("{}1", "0".repeat(100_000))).is_ok());
    }

    #[test]
    fn ordering_examples() {
        let v: Vec<Number> = ["-1", "-0.5", "0", "1e-130", "2", "10", "1e125"].iter().map(|s| n(s)).collect();
        for w in v.windows(2) {
            assert!(w[0] < w[1], "{} < {}", w[0], w[1]);
        }
        assert_eq!(n("1.0").cmp(&n("1")), Ordering::Equal);
        assert!(n("-10") < n("-9.99"));
        assert!(n("0.11") > n("0.1"));
    }

    #[test]
    fn arithmetic_examples() {
        assert_eq!(n("1.5").add(&n("2.25")).unwrap(), n("3.75"));
        assert_eq!(n("1").sub(&n("1")).unwrap(), Number::zero());
        assert_eq!(n("-1").add(&n("0.5")).unwrap(), n("-0.5"));
        assert_eq!(n("1e38").sub(&n("99999999999999999999999999999999999999")).unwrap(), n("1"));
        assert_eq!(n("1e125").add(&n("1e-130")), Err(NumberError::Precision));
        assert_eq!(
            n("9.9999999999999999999999999999999999999E+125").add(&n("1E+125")),
            Err(NumberError::Overflow)
        );
        assert_eq!(
            n("-9.9999999999999999999999999999999999999E+125").sub(&n("1E+125")),
            Err(NumberError::Overflow)
        );
        assert_eq!(n("1.2e-130").sub(&n("1e-130")), Err(NumberError::Underflow));
        assert_eq!(
            n("12345678901234567890123456789012345678").add(&n("1")).unwrap(),
            n("12345678901234567890123456789012345679")
        );
        assert_eq!(n("99999999999999999999999999999999999999").add(&n("1")).unwrap(), n("1e38"));
        assert_eq!(n("99999999999999999999999999999999999999").add(&n("2")), Err(NumberError::Precision));
        assert_eq!(n("1e100").sub(&n("1e-30")), Err(NumberError::Precision));
        assert_eq!(n("1e30").add(&n("1e-7")).unwrap(), n("1000000000000000000000000000000.0000001"));
    }

    #[test]
    fn conversions() {
        assert_eq!(Number::from_i64(i64::MIN).to_string(), i64::MIN.to_string());
        assert_eq!(Number::from_i64(-120).to_string(), "-120");
        assert_eq!(Number::from_u64(u64::MAX).to_string(), u64::MAX.to_string());
        assert_eq!(Number::from_i64(0), Number::zero());
        assert!(Number::zero().is_zero());
        assert!(!n("-0").is_negative());
        assert_eq!(n("1.5").to_f64(), 1.5);
        assert_eq!(n("-2.5e-3").to_f64(), -0.0025);
        assert_eq!(n("1e125").to_f64(), 1e125);
        assert_eq!(n("-12e2").to_i64(), Some(-1200));
        assert_eq!(n("1.5").to_i64(), None);
        assert_eq!(Number::from_i64(i64::MIN).to_i64(), Some(i64::MIN));
        assert_eq!(n("9223372036854775808").to_i64(), None);
        assert_eq!(n("-3").abs(), n("3"));
    }

    #[test]
    fn sizes() {
        assert_eq!(n("0").size(), 1);
        assert_eq!(n("1").size(), 2);
        assert_eq!(n("12").size(), 2);
        assert_eq!(n("123").size(), 3);
        assert_eq!(n("1000").size(), 2);
        assert_eq!(n("0.001").size(), 2);
        assert_eq!(n("-1.5").size(), 2);
        assert_eq!(n("12345678901234567890123456789012345678").size(), 20);
    }

    // ---- property tests ------------------------------------------------------

    /// Independent oracle: compare (negative, mantissa digit string, exponent)
    /// triples by scaling both to a common exponent as digit strings.
    fn oracle_cmp(a: (bool, &str, i64), b: (bool, &str, i64)) -> Ordering {
        let trim = |s: &str| s.trim_start_matches('0').to_string();
        let (ma, mb) = (trim(a.1), trim(b.1));
        let sa = if ma.is_empty() {
            0
        } else if a.0 {
            -1
        } else {
            1
        };
        let sb = if mb.is_empty() {
            0
        } else if b.0 {
            -1
        } else {
            1
        };
        if sa != sb || sa == 0 {
            return sa.cmp(&sb);
        }
        let e = a.2.min(b.2);
        let xa = format!("{ma}{}", "0".repeat((a.2 - e) as usize));
        let xb = format!("{mb}{}", "0".repeat((b.2 - e) as usize));
        let mag = xa.len().cmp(&xb.len()).then_with(|| xa.cmp(&xb));
        if sa > 0 {
            mag
        } else {
            mag.reverse()
        }
    }

    fn raw_number() -> impl Strategy<Value = (bool, String, i64)> {
        (any::<bool>(), "[0-9]{1,38}", -140i64..100)
    }

    fn valid_number() -> impl Strategy<Value = Number> {
        raw_number().prop_filter_map("in range", |(neg, m, e)| {
            Number::parse(&format!("{}{m}e{e}", if neg { "-" } else { "" })).ok()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn never_panics_on_anything(s in ".*") {
            let _ = Number::parse(&s);
        }

        #[test]
        fn never_panics_on_number_like(s in "[+-]?[0-9]{0,60}(\\.[0-9]{0,60})?([eE][+-]?[0-9]{0,25})?") {
            if let Ok(x) = Number::parse(&s) {
                prop_assert_eq!(Number::parse(&x.to_string()).unwrap(), x);
            }
        }

        #[test]
        fn display_parse_round_trip(x in valid_number()) {
            let shown = x.to_string();
            prop_assert!(!shown.contains('e') && !shown.starts_with('+'));
            prop_assert!(!(shown.contains('.') && shown.ends_with('0')));
            prop_assert_eq!(Number::parse(&shown).unwrap(), x);
        }

        #[test]
        fn normalisation(m in 1u64..u64::MAX, e in -100i64..80, lead in 0usize..5, trail in 0usize..5, neg in any::<bool>()) {
            let sign = if neg { "-" } else { "" };
            let a = Number::parse(&format!("{sign}{m}e{e}")).unwrap();
            // Same value, different spelling: leading zeros, trailing zeros
            // compensated by the exponent, a decimal point.
            let b = Number::parse(&format!("{sign}{}{m}{}e{}", "0".repeat(lead), "0".repeat(trail), e - trail as i64)).unwrap();
            let c = Number::parse(&format!("{sign}{m}.{}E{e:+}", "0".repeat(trail))).unwrap();
            prop_assert_eq!(&a, &b);
            prop_assert_eq!(&a, &c);
            prop_assert_eq!(a.to_string(), b.to_string());
            prop_assert_eq!(a.cmp(&b), Ordering::Equal);
        }

        #[test]
        fn ordering_matches_oracle(a in raw_number(), b in raw_number()) {
            let pa = Number::parse(&format!("{}{}e{}", if a.0 { "-" } else { "" }, a.1, a.2));
            let pb = Number::parse(&format!("{}{}e{}", if b.0 { "-" } else { "" }, b.1, b.2));
            if let (Ok(x), Ok(y)) = (pa, pb) {
                let want = oracle_cmp((a.0, &a.1, a.2), (b.0, &b.1, b.2));
                prop_assert_eq!(x.cmp(&y), want);
                prop_assert_eq!(x == y, want == Ordering::Equal);
            }
        }

        #[test]
        fn ordering_matches_f64_for_short_values(a in -1_000_000i64..1_000_000, b in -1_000_000i64..1_000_000, sa in 0u32..6, sb in 0u32..6) {
            let x = Number::parse(&format!("{a}e-{sa}")).unwrap();
            let y = Number::parse(&format!("{b}e-{sb}")).unwrap();
            let fx = a as f64 / 10f64.powi(sa as i32);
            let fy = b as f64 / 10f64.powi(sb as i32);
            // Compare exactly via integers scaled to 10^-5.
            let ix = i128::from(a) * 10i128.pow(5 - sa);
            let iy = i128::from(b) * 10i128.pow(5 - sb);
            prop_assert_eq!(x.cmp(&y), ix.cmp(&iy));
            if (fx - fy).abs() > 1e-9 {
                prop_assert_eq!(x.cmp(&y), fx.partial_cmp(&fy).unwrap());
            }
        }

        #[test]
        fn add_sub_match_i128(a in any::<i64>(), b in any::<i64>()) {
            let x = Number::from_i64(a);
            let y = Number::from_i64(b);
            let sum = i128::from(a) + i128::from(b);
            let diff = i128::from(a) - i128::from(b);
            prop_assert_eq!(x.add(&y).unwrap().to_string(), sum.to_string());
            prop_assert_eq!(x.sub(&y).unwrap().to_string(), diff.to_string());
        }

        #[test]
        fn add_matches_scaled_integers(a in any::<i64>(), b in any::<i64>(), sa in 0u32..18, sb in 0u32..18) {
            // x = a * 10^-sa, y = b * 10^-sb; exact sum in units of 10^-18.
            let x = Number::parse(&format!("{a}e-{sa}")).unwrap();
            let y = Number::parse(&format!("{b}e-{sb}")).unwrap();
            let ix = i128::from(a) * 10i128.pow(18 - sa);
            let iy = i128::from(b) * 10i128.pow(18 - sb);
            let want = Number::parse(&format!("{}e-18", ix + iy)).unwrap();
            prop_assert_eq!(x.add(&y).unwrap(), want);
            let want = Number::parse(&format!("{}e-18", ix - iy)).unwrap();
            prop_assert_eq!(x.sub(&y).unwrap(), want);
        }

        #[test]
        fn add_is_commutative_and_exact(x in valid_number(), y in valid_number()) {
            let xy = x.add(&y);
            prop_assert_eq!(&xy, &y.add(&x));
            prop_assert_eq!(x.sub(&x).unwrap(), Number::zero());
            prop_assert_eq!(x.add(&Number::zero()).unwrap(), x);
            if let Ok(s) = xy {
                // Exactness: (x + y) - y == x whenever representable.
                if let Ok(back) = s.sub(&y) {
                    prop_assert_eq!(back, x);
                }
                // Ordering consistency.
                if y.is_negative() { prop_assert!(s < x); }
                else if y.is_zero() { prop_assert_eq!(&s, &x); }
                else { prop_assert!(s > x); }
            }
        }

        #[test]
        fn neg_reverses_order(x in valid_number(), y in valid_number()) {
            prop_assert_eq!(x.cmp(&y), y.neg().cmp(&x.neg()));
        }
    }
}
