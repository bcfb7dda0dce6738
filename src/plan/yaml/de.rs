//! serde's typed view of the buffered events: the same visitor calls serde_yaml 0.9
//! makes for the same document (plain-scalar resolution, `!Tag` enums, aliases, empty
//! values as empty lists and maps), so every type reads as it did.
//!
//! Only success must match: on any error the caller asks serde_yaml to word it (its
//! messages, paths and marks are what the golden outputs show), so the errors made
//! here are short and carry no position.

mod access;

use super::events::{Event, Kind, Style};
use super::scalar::{self, BOOL, FLOAT, INT, NULL};
use access::{EnumAccess, MapAccess, SeqAccess, UnitVariantAccess};
use serde::de::{self, IgnoredAny, Unexpected, Visitor};
use std::fmt;

#[derive(Debug)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

type Result<T> = std::result::Result<T, Error>;

pub fn from_events<'de, T: de::Deserialize<'de>>(events: &'de [Event<'de>]) -> Result<T> {
    let mut de = Deserializer {
        events,
        pos: 0,
        jumps: 0,
        depth: 128,
        current_enum: None,
    };
    T::deserialize(&mut de)
}

pub struct Deserializer<'de> {
    events: &'de [Event<'de>],
    pos: usize,
    /// Aliases followed so far (a billion-laughs document stops at a limit).
    jumps: usize,
    depth: u8,
    /// Inside `!Tag value`: the tag was the variant, the value is read untagged.
    current_enum: Option<&'de str>,
}

impl<'de> Deserializer<'de> {
    fn peek(&self) -> Result<&'de Event<'de>> {
        self.events
            .get(self.pos)
            .ok_or_else(|| Error("EOF while parsing a value".into()))
    }

    fn next(&mut self) -> Result<&'de Event<'de>> {
        let event = self.peek()?;
        self.pos += 1;
        self.current_enum = None;
        Ok(event)
    }

    /// Reads the node an alias repeats, then continues after the alias.
    fn jump<R>(&mut self, target: usize, f: impl FnOnce(&mut Self) -> Result<R>) -> Result<R> {
        self.jumps += 1;
        if self.jumps > self.events.len() * 100 {
            return Err(Error("repetition limit exceeded".into()));
        }
        let back = std::mem::replace(&mut self.pos, target);
        self.current_enum = None;
        let result = f(self);
        self.pos = back;
        result
    }

    fn nested<R>(&mut self, f: impl FnOnce(&mut Self) -> Result<R>) -> Result<R> {
        let previous = self.depth;
        self.depth = previous
            .checked_sub(1)
            .ok_or_else(|| Error("recursion limit exceeded".into()))?;
        let result = f(self);
        self.depth = previous;
        result
    }

    fn ignore_any(&mut self) -> Result<()> {
        let mut depth = 0usize;
        loop {
            match self.next()?.kind {
                Kind::Alias(_) | Kind::Scalar { .. } => {}
                Kind::SeqStart { .. } | Kind::MapStart { .. } => depth += 1,
                Kind::SeqEnd | Kind::MapEnd => depth = depth.saturating_sub(1),
            }
            if depth == 0 {
                return Ok(());
            }
        }
    }

    /// A list of `total` items (its start event read).
    fn visit_seq<V: Visitor<'de>>(&mut self, visitor: V, total: u32) -> Result<V::Value> {
        let (value, len) = self.nested(|de| {
            let mut seq = SeqAccess {
                empty: false,
                de,
                len: 0,
                total,
            };
            let value = visitor.visit_seq(&mut seq)?;
            Ok((value, seq.len))
        })?;
        let mut rest = SeqAccess {
            empty: false,
            de: self,
            len,
            total,
        };
        while de::SeqAccess::next_element::<IgnoredAny>(&mut rest)?.is_some() {}
        let total = rest.len;
        self.end(total, len)?;
        Ok(value)
    }

    /// A map of `total` keys and values (its start event read).
    fn visit_map<V: Visitor<'de>>(&mut self, visitor: V, total: u32) -> Result<V::Value> {
        let (value, len) = self.nested(|de| {
            let mut map = MapAccess {
                empty: false,
                de,
                len: 0,
                total,
            };
            let value = visitor.visit_map(&mut map)?;
            Ok((value, map.len))
        })?;
        let mut rest = MapAccess {
            empty: false,
            de: self,
            len,
            total,
        };
        while de::MapAccess::next_entry::<IgnoredAny, IgnoredAny>(&mut rest)?.is_some() {}
        let total = rest.len;
        self.end(total, len)?;
        Ok(value)
    }

    /// The end event of a list or map the visitor read `read` of `total` items of.
    fn end(&mut self, total: usize, read: usize) -> Result<()> {
        match self.next()?.kind {
            Kind::SeqEnd | Kind::MapEnd if total == read => Ok(()),
            Kind::SeqEnd | Kind::MapEnd => Err(de::Error::invalid_length(total, &"fewer elements")),
            _ => Err(Error("expected the end of a list or map".into())),
        }
    }
}

/// A scalar serde_yaml resolves by its text: plain, or a tag it would resolve with.
fn plain_or_tagged_literal(
    expected: &str,
    style: Style,
    tag: &Option<Box<str>>,
    tagged_already: bool,
) -> bool {
    match (style, tag, tagged_already) {
        (Style::Plain, _, _) => true,
        (Style::Literal, Some(tag), false) => &**tag == expected,
        _ => false,
    }
}

/// The variant name of a `!Name` tag (`!` alone names the variant `!`).
fn enum_tag(tag: &Option<Box<str>>) -> Option<&str> {
    let tag = tag.as_deref()?;
    let rest = tag.strip_prefix('!')?;
    Some(if rest.is_empty() { tag } else { rest })
}

fn visit_scalar<'de, V: Visitor<'de>>(
    visitor: V,
    value: &'de str,
    style: Style,
    tag: &Option<Box<str>>,
    tagged_already: bool,
) -> Result<V::Value> {
    match (tag.as_deref(), tagged_already) {
        (Some(tag), false) => {
            if tag == BOOL {
                return match scalar::parse_bool(value) {
                    Some(b) => visitor.visit_bool(b),
                    None => Err(de::Error::invalid_value(
                        Unexpected::Str(value),
                        &"a boolean",
                    )),
                };
            } else if tag == INT {
                return match scalar::visit_int(visitor, value) {
                    Ok(result) => result,
                    Err(_) => Err(de::Error::invalid_value(
                        Unexpected::Str(value),
                        &"an integer",
                    )),
                };
            } else if tag == FLOAT {
                return match scalar::parse_f64(value) {
                    Some(f) => visitor.visit_f64(f),
                    None => Err(de::Error::invalid_value(Unexpected::Str(value), &"a float")),
                };
            } else if tag == NULL {
                return match scalar::is_null(value) {
                    true => visitor.visit_unit(),
                    false => Err(de::Error::invalid_value(Unexpected::Str(value), &"null")),
                };
            } else if tag.starts_with('!') && style == Style::Plain {
                return scalar::visit_untagged(visitor, value);
            }
        }
        _ if style == Style::Plain => return scalar::visit_untagged(visitor, value),
        _ => {}
    }
    visitor.visit_borrowed_str(value)
}

fn invalid_type(event: &Event, exp: &dyn de::Expected) -> Error {
    let unexpected = match &event.kind {
        Kind::Scalar { value, .. } => Unexpected::Str(value),
        Kind::SeqStart { .. } => Unexpected::Seq,
        Kind::MapStart { .. } => Unexpected::Map,
        _ => Unexpected::Other("an alias or the end of a node"),
    };
    de::Error::invalid_type(unexpected, exp)
}

/// The body of `deserialize_bool`, `_i64`, …: a plain scalar (or one tagged `tag`)
/// that `parse` reads, else a type error.
macro_rules! number {
    ($name:ident, $tag:expr, $parse:expr, $visit:ident) => {
        fn $name<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            let tagged = self.current_enum.is_some();
            let event = self.next()?;
            match &event.kind {
                Kind::Alias(target) => return self.jump(*target, |de| de.$name(visitor)),
                Kind::Scalar { value, style, tag }
                    if plain_or_tagged_literal($tag, *style, tag, tagged) =>
                {
                    if let Some(v) = $parse(&**value) {
                        return visitor.$visit(v);
                    }
                }
                _ => {}
            }
            Err(invalid_type(event, &visitor))
        }
    };
}

macro_rules! forward {
    ($($name:ident => $to:ident),* $(,)?) => {
        $(fn $name<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            self.$to(visitor)
        })*
    };
}

impl<'de> de::Deserializer<'de> for &mut Deserializer<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let tagged = self.current_enum.is_some();
        let event = self.next()?;
        let tag = match &event.kind {
            Kind::Alias(target) => return self.jump(*target, |de| de.deserialize_any(visitor)),
            Kind::Scalar { tag, .. } | Kind::SeqStart { tag, .. } | Kind::MapStart { tag, .. } => {
                tag
            }
            Kind::SeqEnd | Kind::MapEnd => return Err(invalid_type(event, &visitor)),
        };
        if let Some(tag) = enum_tag(tag).filter(|_| !tagged) {
            self.pos -= 1;
            return visitor.visit_enum(EnumAccess { de: self, tag });
        }
        match &event.kind {
            Kind::Scalar { value, style, tag } => visit_scalar(visitor, value, *style, tag, tagged),
            Kind::SeqStart { len, .. } => self.visit_seq(visitor, *len),
            Kind::MapStart { len, .. } => self.visit_map(visitor, *len),
            _ => Err(invalid_type(event, &visitor)),
        }
    }

    number!(deserialize_bool, BOOL, scalar::parse_bool, visit_bool);
    number!(
        deserialize_i64,
        INT,
        |s| scalar::parse_signed(s, i64::from_str_radix),
        visit_i64
    );
    number!(
        deserialize_i128,
        INT,
        |s| scalar::parse_signed(s, i128::from_str_radix),
        visit_i128
    );
    number!(
        deserialize_u64,
        INT,
        |s| scalar::parse_unsigned(s, u64::from_str_radix),
        visit_u64
    );
    number!(
        deserialize_u128,
        INT,
        |s| scalar::parse_unsigned(s, u128::from_str_radix),
        visit_u128
    );
    number!(deserialize_f64, FLOAT, scalar::parse_f64, visit_f64);

    forward! {
        deserialize_i8 => deserialize_i64,
        deserialize_i16 => deserialize_i64,
        deserialize_i32 => deserialize_i64,
        deserialize_u8 => deserialize_u64,
        deserialize_u16 => deserialize_u64,
        deserialize_u32 => deserialize_u64,
        deserialize_f32 => deserialize_f64,
        deserialize_char => deserialize_str,
        deserialize_string => deserialize_str,
        deserialize_identifier => deserialize_str,
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let event = self.next()?;
        match &event.kind {
            Kind::Scalar { value, .. } => visitor.visit_borrowed_str(value),
            Kind::Alias(target) => self.jump(*target, |de| de.deserialize_str(visitor)),
            _ => Err(invalid_type(event, &visitor)),
        }
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(Error("bytes are not supported in YAML".into()))
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(Error("bytes are not supported in YAML".into()))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let event = self.peek()?;
        let is_some = match &event.kind {
            Kind::Alias(target) => {
                self.pos += 1;
                return self.jump(*target, |de| de.deserialize_option(visitor));
            }
            Kind::Scalar { value, style, tag } => {
                if *style != Style::Plain {
                    true
                } else if let (Some(tag), None) = (tag, self.current_enum) {
                    if &**tag != NULL {
                        true
                    } else if scalar::is_null(value) {
                        false
                    } else {
                        return Err(de::Error::invalid_value(Unexpected::Str(value), &"null"));
                    }
                } else {
                    !value.is_empty() && !scalar::is_null(value)
                }
            }
            Kind::SeqStart { .. } | Kind::MapStart { .. } => true,
            Kind::SeqEnd | Kind::MapEnd => return Err(invalid_type(event, &visitor)),
        };
        if is_some {
            visitor.visit_some(self)
        } else {
            self.pos += 1;
            self.current_enum = None;
            visitor.visit_none()
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let tagged = self.current_enum.is_some();
        let event = self.next()?;
        match &event.kind {
            Kind::Scalar { value, style, tag } => {
                let is_null = if *style != Style::Plain {
                    false
                } else if let (Some(tag), false) = (tag, tagged) {
                    &**tag == NULL && scalar::is_null(value)
                } else {
                    value.is_empty() || scalar::is_null(value)
                };
                if is_null {
                    visitor.visit_unit()
                } else {
                    Err(de::Error::invalid_value(Unexpected::Str(value), &"null"))
                }
            }
            Kind::Alias(target) => self.jump(*target, |de| de.deserialize_unit(visitor)),
            _ => Err(invalid_type(event, &visitor)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.peek()?;
        self.nested(|de| visitor.visit_newtype_struct(de))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let event = self.next()?;
        match &event.kind {
            Kind::Alias(target) => self.jump(*target, |de| de.deserialize_seq(visitor)),
            Kind::SeqStart { len, .. } => self.visit_seq(visitor, *len),
            Kind::Scalar { value, style, .. } if value.is_empty() && *style == Style::Plain => {
                visitor.visit_seq(SeqAccess {
                    empty: true,
                    de: self,
                    len: 0,
                    total: 0,
                })
            }
            _ => Err(invalid_type(event, &visitor)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let event = self.next()?;
        match &event.kind {
            Kind::Alias(target) => self.jump(*target, |de| de.deserialize_map(visitor)),
            Kind::MapStart { len, .. } => self.visit_map(visitor, *len),
            Kind::Scalar { value, style, .. } if value.is_empty() && *style == Style::Plain => {
                visitor.visit_map(MapAccess {
                    empty: true,
                    de: self,
                    len: 0,
                    total: 0,
                })
            }
            _ => Err(invalid_type(event, &visitor)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_map(visitor)
    }

    /// `!Variant value`, or a scalar naming a unit variant (as serde_yaml: an
    /// untagged map or list is not an enum).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        let event = self.peek()?;
        if self.current_enum.is_some() {
            return match &event.kind {
                Kind::Scalar { value, .. } if !value.is_empty() => {
                    visitor.visit_enum(UnitVariantAccess { de: self })
                }
                _ => Err(Error("nested enums are not supported in YAML".into())),
            };
        }
        let tag = match &event.kind {
            Kind::Alias(target) => {
                self.pos += 1;
                return self.jump(*target, |de| de.deserialize_enum(name, variants, visitor));
            }
            Kind::Scalar { tag, .. } => match enum_tag(tag) {
                Some(tag) => tag,
                None => return visitor.visit_enum(UnitVariantAccess { de: self }),
            },
            Kind::SeqStart { tag, .. } | Kind::MapStart { tag, .. } => match enum_tag(tag) {
                Some(tag) => tag,
                None => return Err(invalid_type(event, &"a YAML tag starting with '!'")),
            },
            Kind::SeqEnd | Kind::MapEnd => return Err(invalid_type(event, &visitor)),
        };
        visitor.visit_enum(EnumAccess { de: self, tag })
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.ignore_any()?;
        visitor.visit_unit()
    }
}
