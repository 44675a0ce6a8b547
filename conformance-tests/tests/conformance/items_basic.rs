//! PutItem / GetItem / DeleteItem in their plain form.
