//! UpdateTimeToLive: enable or disable expiry on one attribute.

use super::command::{Ctx, Write};
use super::table_description::{self as desc, TablePlan};
use crate::error::{messages, Error, Result};
use crate::store::meta::TtlMeta;
use crate::store::Db;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// UpdateTimeToLive's input ([`crate::Service::update_time_to_live`]).
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateTimeToLive {
    /// The table (a name or an ARN).
    pub table_name: String,
    /// `TimeToLiveSpecification`.
    pub time_to_live_specification: Specification,
}

/// `TimeToLiveSpecification`, in and out.
#[derive(Deserialize, Serialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct Specification {
    /// Whether expiry is to be on.
    pub enabled: bool,
    /// The attribute holding each item's expiry time (epoch seconds).
    pub attribute_name: String,
}

/// UpdateTimeToLive's response.
#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    time_to_live_specification: Specification,
}

impl Write for UpdateTimeToLive {
    type Plan = TablePlan<Output>;
    type Output = Output;

    fn plan(&self, ctx: &Ctx<'_>, db: &Db) -> Result<Self::Plan> {
        let spec = &self.time_to_live_specification;
        let table = desc::find_table(ctx, db, &self.table_name)?;
        desc::ensure_active(ctx, table)?;
        let current = table.def.meta.ttl_attribute().map(str::to_string);
        match (&current, spec.enabled) {
            (Some(attr), _) if *attr != spec.attribute_name => {
                return Err(Error::validation(messages::ttl_other_attribute(attr)));
            }
            (Some(_), true) => return Err(Error::validation(messages::TTL_ALREADY_ENABLED)),
            (None, false) => return Err(Error::validation(messages::TTL_ALREADY_DISABLED)),
            _ => {}
        }
        let mut table = Table::clone(table);
        Arc::make_mut(&mut table.def).meta.ttl =
            Some(TtlMeta { attribute: spec.attribute_name.clone(), enabled: spec.enabled });
        Ok(TablePlan::put(ctx, table, Output { time_to_live_specification: spec.clone() }))
    }

    fn apply(plan: Self::Plan, db: &mut Db) -> Output {
        plan.apply(db)
    }
}

use crate::store::Table;
