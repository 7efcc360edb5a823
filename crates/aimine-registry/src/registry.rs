//! The registry: one call's view of the state, the events and the block. Its calls live with
//! their concern: [`crate::governance`], appraisal, sessions, balances, models and the Lux
//! compatibility calls each add theirs to [`Registry`].

use crate::env::BlockEnv;
use crate::event::{Event, EventSink};
use crate::store::Store;

/// One call's view of the registry: the state, where events go, and the block.
pub struct Registry<'a, S: Store + ?Sized, E: EventSink + ?Sized> {
    pub(crate) store: &'a mut S,
    pub(crate) events: &'a mut E,
    pub(crate) env: BlockEnv,
}

impl<'a, S: Store + ?Sized, E: EventSink + ?Sized> Registry<'a, S, E> {
    /// The registry over `store` for a call in block `env`.
    pub fn new(store: &'a mut S, events: &'a mut E, env: BlockEnv) -> Registry<'a, S, E> {
        Registry { store, events, env }
    }

    /// The state, for the other modules' calls.
    pub(crate) fn state(&mut self) -> &mut S {
        self.store
    }

    /// The block.
    pub(crate) fn env(&self) -> BlockEnv {
        self.env
    }

    /// Records an event.
    pub(crate) fn emit(&mut self, event: Event) {
        self.events.emit(event);
    }
}
