//! UpdateItem: change attributes of one item (creating it if absent, unless
//! the condition fails), with the five ReturnValues modes.

use super::common::{self, CapacityMode, ConsumedCapacity, ItemCollectionMetrics, ItemOut, ReturnValues};
use super::write::{self, Change};
use crate::error::{messages, Error, Result};
use crate::expr::UpdateClause;
use crate::service::Service;
use crate::store::StoredItem;
use crate::value::{json, size::MAX_ITEM_SIZE};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Input {
    table_name: String,
    return_values: Option<String>,
    return_consumed_capacity: Option<String>,
    return_item_collection_metrics: Option<String>,
    return_values_on_condition_check_failure: Option<String>,
}

/// UpdateItem's response.
#[derive(Serialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    #[serde(skip_serializing_if = "Option::is_none")]
    attributes: Option<ItemOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<ConsumedCapacity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item_collection_metrics: Option<ItemCollectionMetrics>,
}

/// Runs UpdateItem.
pub fn run(svc: &Service, body: &serde_json::Value) -> Result<Output> {
    let input: Input = crate::http::decode(body)?;
    let key_item = json::parse_item(super::member(body, "Key"))?;
    let return_values = ReturnValues::parse(
        input.return_values.as_deref(),
        &[ReturnValues::AllOld, ReturnValues::UpdatedOld, ReturnValues::AllNew, ReturnValues::UpdatedNew],
    )?;
    let exprs = super::exprs::parse(body)?;
    let capacity = CapacityMode::parse(input.return_consumed_capacity.as_deref());
    let return_old = common::return_old_on_failure(input.return_values_on_condition_check_failure.as_deref());
    // The updated paths, kept from the plan that was applied, for UPDATED_*.
    let updated_paths = std::cell::RefCell::new(Vec::new());
    let written = write::write_one(
        svc,
        &input.table_name,
        input.return_item_collection_metrics.as_deref(),
        |def| def.request_key(&key_item),
        |def, current| {
            if let Some(update) = &exprs.update {
                let key_names: Vec<&str> = def.key.attrs().map(|a| a.name.as_str()).collect();
                update.check_key_attributes(&key_names)?;
            }
            // The update needs the whole item anyway: decode it once.
            let current_item = current.map(StoredItem::item);
            if !super::exprs::condition_holds(exprs.condition.as_ref(), current_item.as_ref()) {
                return Err(write::condition_failed(return_old, current));
            }
            // Legacy AttributeUpdates that only delete do nothing to a
            // missing item ("DELETE - Nothing happens", AttributeValueUpdate).
            if current.is_none()
                && exprs.update.as_ref().is_some_and(|u| {
                    u.legacy
                        && u.clauses
                            .iter()
                            .all(|c| matches!(c, UpdateClause::Remove(_) | UpdateClause::Delete(_)))
                })
            {
                return Ok(Change::Nothing);
            }
            let base = current_item.unwrap_or_else(|| key_item.clone());
            let new_item = match &exprs.update {
                Some(update) => {
                    let key_names: Vec<&str> = def.key.attrs().map(|a| a.name.as_str()).collect();
                    let outcome = update.apply(&base, &key_names)?;
                    *updated_paths.borrow_mut() = outcome.updated_paths;
                    outcome.item
                }
                None => base,
            };
            def.check_index_keys(&new_item)?;
            let stored = StoredItem::new(&new_item);
            if stored.size() > MAX_ITEM_SIZE {
                return Err(Error::validation(messages::UPDATE_ITEM_TOO_LARGE));
            }
            Ok(Change::Put(stored))
        },
    )?;
    let Some(new) = written.new.as_ref() else {
        return Ok(Output::default());
    };
    let paths = updated_paths.into_inner();
    let updated = |stored: &StoredItem| {
        let item = crate::expr::projection::project(&stored.item(), &paths);
        // The service omits Attributes rather than sending an empty map.
        (!item.is_empty()).then_some(ItemOut::Owned(item))
    };
    let attributes = match return_values {
        ReturnValues::None => None,
        ReturnValues::AllOld => written.old.clone().map(ItemOut::Shared),
        ReturnValues::AllNew => Some(ItemOut::Shared(new.clone())),
        ReturnValues::UpdatedOld => written.old.as_ref().and_then(updated),
        ReturnValues::UpdatedNew => updated(new),
    };
    Ok(Output {
        consumed_capacity: common::write_capacity(capacity, &written.def, written.old.as_ref(), Some(new)),
        item_collection_metrics: written.metrics,
        attributes,
    })
}
