//! The back office: server functions for the agents of a caisse, one module
//! per page of `pages::agent`. Every one requires an agent's session and sees
//! only the agent's caisse.

pub mod avis;
pub mod payments;
pub mod reconciliation;
pub mod refunds;
pub mod search;
pub mod sign_in;

use crate::domain::{Euros, TransactionReference};
use serde::{Deserialize, Serialize};

/// The back office's header.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentHeader {
    /// The agent's name.
    pub name: String,
    /// Their caisse.
    pub caisse: String,
}

#[cfg(feature = "ssr")]
pub(crate) fn header_of(agent: &crate::ssr::agents::Agent) -> AgentHeader {
    AgentHeader { name: agent.name.clone(), caisse: agent.caisse_name.clone() }
}

/// A payment attempt in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentItem {
    /// «PCLCB…».
    pub transaction_reference: TransactionReference,
    /// «11/09/2017 à 15:54».
    pub date: String,
    /// Amount.
    pub amount: Euros,
    /// French status.
    pub status: String,
    /// «PRÉNOM NOM».
    pub person: String,
    /// NIR.
    pub nir: String,
    /// Trop-perçu.
    pub excess: Euros,
    /// Why the caisse must look into it («à régulariser»), while no agent has.
    pub to_regularise: Option<String>,
}

#[cfg(feature = "ssr")]
impl From<crate::ssr::agents::payments::PaymentLine> for PaymentItem {
    fn from(line: crate::ssr::agents::payments::PaymentLine) -> Self {
        PaymentItem {
            transaction_reference: line.transaction_reference,
            date: crate::ssr::infra::time::date_time_fr(line.created_at),
            amount: line.amount,
            status: line.status,
            person: line.person,
            nir: line.nir,
            excess: line.excess,
            to_regularise: line.to_regularise.map(|r| crate::ssr::agents::history::regularisation_label(r).to_owned()),
        }
    }
}
