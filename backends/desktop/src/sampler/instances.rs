//! Stable instance numbers for things that come and go by name (mounts,
//! network interfaces, sensors).

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};

/// Gives each name an instance number the first time it is seen, counting
/// up from a base, and keeps it: a name that disappears keeps its number and
/// the others do not shift.
#[derive(Debug)]
pub(crate) struct InstanceMap {
    by_name: HashMap<OsString, u16>,
    /// Names in instance order: `names[i]` has instance `first + i`.
    names: Vec<OsString>,
    first: u16,
}

impl InstanceMap {
    /// A map whose first name gets instance `first`.
    pub(crate) fn new(first: u16) -> Self {
        InstanceMap { by_name: HashMap::new(), names: Vec::new(), first }
    }

    /// The instance of `name`, if it has one.
    pub(crate) fn get(&self, name: &OsStr) -> Option<u16> {
        self.by_name.get(name).copied()
    }

    /// The instance of `name`, giving it the next free one if it is new.
    /// Returns the instance and whether it was new, or `None` once all
    /// `u16` instances are taken (the name then goes unmeasured).
    pub(crate) fn get_or_insert(&mut self, name: &OsStr) -> Option<(u16, bool)> {
        if let Some(instance) = self.get(name) {
            return Some((instance, false));
        }
        let instance = u16::try_from(self.names.len()).ok()?.checked_add(self.first)?;
        self.by_name.insert(name.to_owned(), instance);
        self.names.push(name.to_owned());
        Some((instance, true))
    }

    /// Names with their instances, in instance order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u16, &OsStr)> {
        // `get_or_insert` never hands out an instance above u16::MAX, so the
        // cast cannot truncate.
        self.names.iter().enumerate().map(|(i, name)| (self.first + i as u16, name.as_os_str()))
    }

    /// How many names have an instance.
    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_given_in_order_of_first_appearance_and_kept() {
        let mut map = InstanceMap::new(1);
        assert_eq!(map.get_or_insert(OsStr::new("/")), Some((1, true)));
        assert_eq!(map.get_or_insert(OsStr::new("/home")), Some((2, true)));
        assert_eq!(map.get_or_insert(OsStr::new("/")), Some((1, false)));
        // "/home" disappears for a while; a new mount does not take its number.
        assert_eq!(map.get_or_insert(OsStr::new("/mnt/usb")), Some((3, true)));
        assert_eq!(map.get(OsStr::new("/home")), Some(2));
        let all: Vec<_> = map.iter().collect();
        assert_eq!(all, [(1, OsStr::new("/")), (2, OsStr::new("/home")), (3, OsStr::new("/mnt/usb"))]);
        assert_eq!(map.len(), 3);
    }

    #[test]
    fn zero_based_maps_start_at_zero() {
        let mut map = InstanceMap::new(0);
        assert_eq!(map.get_or_insert(OsStr::new("cpu0")), Some((0, true)));
        assert_eq!(map.get_or_insert(OsStr::new("cpu1")), Some((1, true)));
    }

    #[test]
    fn running_out_of_instances_refuses_new_names() {
        let mut map = InstanceMap::new(u16::MAX - 1);
        assert_eq!(map.get_or_insert(OsStr::new("a")), Some((u16::MAX - 1, true)));
        assert_eq!(map.get_or_insert(OsStr::new("b")), Some((u16::MAX, true)));
        assert_eq!(map.get_or_insert(OsStr::new("c")), None);
        assert_eq!(map.get_or_insert(OsStr::new("a")), Some((u16::MAX - 1, false)));
        assert_eq!(map.len(), 2);
    }
}
