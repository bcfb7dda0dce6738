//! How serde walks a list, a map and an enum of the buffered events (the same walks
//! serde_yaml 0.9 makes).

use super::{Deserializer, Error, Kind, Result};
use serde::de::{self, DeserializeSeed, Unexpected, Visitor};

pub(super) struct SeqAccess<'a, 'de> {
    pub(super) empty: bool,
    pub(super) de: &'a mut Deserializer<'de>,
    /// Items read so far.
    pub(super) len: usize,
    /// Items in the list.
    pub(super) total: u32,
}

impl<'de> de::SeqAccess<'de> for SeqAccess<'_, 'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if self.empty {
            return Ok(None);
        }
        match self.de.peek()?.kind {
            Kind::SeqEnd => Ok(None),
            _ => {
                self.len += 1;
                self.de.current_enum = None;
                seed.deserialize(&mut *self.de).map(Some)
            }
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some((self.total as usize).saturating_sub(self.len))
    }
}

pub(super) struct MapAccess<'a, 'de> {
    pub(super) empty: bool,
    pub(super) de: &'a mut Deserializer<'de>,
    /// Entries read so far.
    pub(super) len: usize,
    /// Keys and values in the map.
    pub(super) total: u32,
}

impl<'de> de::MapAccess<'de> for MapAccess<'_, 'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if self.empty {
            return Ok(None);
        }
        match self.de.peek()?.kind {
            Kind::MapEnd => Ok(None),
            _ => {
                self.len += 1;
                self.de.current_enum = None;
                seed.deserialize(&mut *self.de).map(Some)
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        self.de.current_enum = None;
        seed.deserialize(&mut *self.de)
    }

    fn size_hint(&self) -> Option<usize> {
        Some((self.total as usize / 2).saturating_sub(self.len))
    }
}

/// `!Variant value`: the tag names the variant, the tagged node is its value.
pub(super) struct EnumAccess<'a, 'de> {
    pub(super) de: &'a mut Deserializer<'de>,
    pub(super) tag: &'de str,
}

impl<'a, 'de> de::EnumAccess<'de> for EnumAccess<'a, 'de> {
    type Error = Error;
    type Variant = &'a mut Deserializer<'de>;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self::Variant)> {
        let variant = seed.deserialize(de::value::StrDeserializer::<Error>::new(self.tag))?;
        self.de.current_enum = Some(self.tag);
        Ok((variant, self.de))
    }
}

impl<'de> de::VariantAccess<'de> for &mut Deserializer<'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<()> {
        de::Deserialize::deserialize(self)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_seq(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        de::Deserializer::deserialize_struct(self, "", fields, visitor)
    }
}

/// A scalar naming a unit variant.
pub(super) struct UnitVariantAccess<'a, 'de> {
    pub(super) de: &'a mut Deserializer<'de>,
}

impl<'a, 'de> de::EnumAccess<'de> for UnitVariantAccess<'a, 'de> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self)> {
        Ok((seed.deserialize(&mut *self.de)?, self))
    }
}

impl<'de> de::VariantAccess<'de> for UnitVariantAccess<'_, 'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<()> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _seed: T) -> Result<T::Value> {
        Err(de::Error::invalid_type(
            Unexpected::UnitVariant,
            &"newtype variant",
        ))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value> {
        Err(de::Error::invalid_type(
            Unexpected::UnitVariant,
            &"tuple variant",
        ))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value> {
        Err(de::Error::invalid_type(
            Unexpected::UnitVariant,
            &"struct variant",
        ))
    }
}
