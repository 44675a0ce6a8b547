//! Message texts of the expression language (parse and semantic errors).
