//! What a typed field validator may return: [`ValidatorOutput`].

/// The result of a typed field validator (`#[odm(validate = "path")]`):
/// `bool` (`false` refuses the value with a generic reason) or
/// `Result<(), String>` / `Result<(), &str>` (the error is the reason the
/// [`Error::Validation`](crate::Error::Validation) carries).
///
/// ```
/// use ddb_odm::{Error, Model, Odm};
///
/// fn positive(v: &i64) -> bool { *v > 0 }
/// fn sku(v: &String) -> Result<(), String> {
///     if v.starts_with("SKU-") { Ok(()) } else { Err(format!("`{v}` is not a SKU")) }
/// }
///
/// #[derive(Model, Debug, Clone)]
/// struct Stock { #[key] id: String, #[odm(validate = "sku")] code: String, #[odm(validate = "positive")] count: i64 }
///
/// let stock = Odm::new(ddb_odm::testing::client_for("http://127.0.0.1:9")).handle::<Stock>()?;
/// let err = stock.save(&Stock { id: "1".into(), code: "X1".into(), count: 3 }).dry_run().unwrap_err();
/// assert_eq!(err.to_string(), "validation failed for `code`: `X1` is not a SKU");
/// let err = stock.save(&Stock { id: "1".into(), code: "SKU-1".into(), count: 0 }).dry_run().unwrap_err();
/// assert_eq!(err.to_string(), "validation failed for `count`: rejected by the validator");
/// # Ok::<(), ddb_odm::Error>(())
/// ```
pub trait ValidatorOutput {
    /// `Err(reason)` refuses the value.
    fn into_check(self) -> Result<(), String>;
}

impl ValidatorOutput for bool {
    fn into_check(self) -> Result<(), String> {
        if self { Ok(()) } else { Err("rejected by the validator".to_string()) }
    }
}

impl ValidatorOutput for Result<(), String> {
    fn into_check(self) -> Result<(), String> {
        self
    }
}

impl ValidatorOutput for Result<(), &str> {
    fn into_check(self) -> Result<(), String> {
        self.map_err(str::to_string)
    }
}
