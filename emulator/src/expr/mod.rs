//! The expression language (lexer, parser, AST, evaluator).
