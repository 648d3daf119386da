"""Pieces shared by every model: the capture base class and normalised scalar types."""

from __future__ import annotations

import re
from ipaddress import IPv4Address, IPv4Interface, IPv4Network, IPv6Address, IPv6Interface, IPv6Network
from typing import Annotated, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WrapValidator

_MAC_HEX = re.compile(r"[0-9a-fA-F]{1,2}")


_CANONICAL_MAC = re.compile(r"[0-9a-f]{2}(?::[0-9a-f]{2}){5}")


def _normalise_mac(value: str) -> str:
    """`02:42:AC:11:0:2`, `0242.ac11.0002` and `02-42-ac-11-00-02` all become `02:42:ac:11:00:02`."""
    if _CANONICAL_MAC.fullmatch(value):
        return value  # as iproute2 prints them
    text = value.strip()
    if re.fullmatch(r"[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}", text):
        digits = text.replace(".", "")
        octets = [digits[i:i + 2] for i in range(0, 12, 2)]
    else:
        octets = re.split(r"[:-]", text)
        if len(octets) != 6 or not all(_MAC_HEX.fullmatch(o) for o in octets):
            raise ValueError(f"not a MAC address: {value!r}")
    return ":".join(o.lower().zfill(2) for o in octets)


MacAddress = Annotated[str, AfterValidator(_normalise_mac)]
"""A 48-bit MAC address, lower case, colon separated."""


def _either(*types: type):
    """`A | B` of `ipaddress` types that takes an object of one of them as it is. The plain
    union hands an IPv6 object to the IPv4 validator first, which re-parses it and fails with
    an exception, for every IPv6 value; text still goes through the union's validation."""
    def keep(value, handler):
        return value if type(value) in types else handler(value)
    return Annotated[Union[types], WrapValidator(keep)]  # noqa: UP007 (a tuple of types)


IPAddress = _either(IPv4Address, IPv6Address)
IPNetwork = _either(IPv4Network, IPv6Network)
IPInterface = _either(IPv4Interface, IPv6Interface)


class SharedFields(set):
    """The fields set (`model_fields_set`) of all the models of one class that `typed` built
    from the same keys: one object for all of them, where a set for each model was a fifth of
    a large dump's memory. `Model` gives a model a set of its own before a field is set or
    deleted, so no model ever changes another's."""

    __slots__ = ()


class Model(BaseModel):
    """Base of every netparse model: plain data, no unknown fields silently accepted."""

    model_config = ConfigDict(extra="forbid", frozen=False, use_enum_values=False, defer_build=True)

    def __setattr__(self, name: str, value) -> None:
        if type(self.__pydantic_fields_set__) is SharedFields:
            _set(self, "__pydantic_fields_set__", set(self.__pydantic_fields_set__))
        _setattr(self, name, value)

    def __delattr__(self, name: str) -> None:
        if type(self.__pydantic_fields_set__) is SharedFields:
            _set(self, "__pydantic_fields_set__", set(self.__pydantic_fields_set__))
        _delattr(self, name)


_setattr = BaseModel.__setattr__
_delattr = BaseModel.__delattr__


class UnparsedLine(Model):
    """A line of the input that the parser did not understand (1-based line number)."""

    line: int
    text: str


class Capture(Model):
    """The parsed output of one command. Every parser returns a subclass of this."""

    kind: str = Field(description="The kind of capture (see `netparse kinds`).")
    unparsed: list[UnparsedLine] = Field(
        default_factory=list,
        description="Lines the parser did not understand, with their line numbers.",
    )


# What `typed` fills in for the fields a caller leaves out, per model class.
_DEFAULTS: dict[type, tuple[dict, tuple]] = {}
# The one fields set of each model class and keys `typed` was given.
_FIELDS: dict[tuple[type, tuple], SharedFields] = {}
#: Set by the tests: `typed` then validates too and checks that it built the same object.
CHECK_TYPED = False


def typed(cls: type[BaseModel], values: dict) -> BaseModel:
    """The model `cls.model_validate(values)` gives, for values a parser has already made of
    exactly the declared types (addresses as `ipaddress` objects, enums, ints, plain strings):
    built without validating them a second time, as a large table would pay for every row.
    Only for values whose types the caller guarantees; anything read from text goes through
    validation."""
    found = _DEFAULTS.get(cls)
    if found is None:
        hooks = cls.__pydantic_decorators__
        if (cls.__pydantic_post_init__ or hooks.model_validators or hooks.field_validators
                or cls.model_config.get("extra") != "forbid"):
            raise TypeError(f"{cls.__name__} validates more than its fields' types")
        defaults, factories = {}, []
        for name, info in cls.model_fields.items():
            if info.default_factory is not None:
                defaults[name] = None
                factories.append((name, info.default_factory))
            else:
                defaults[name] = info.default  # PydanticUndefined for a required field
        found = _DEFAULTS[cls] = (defaults, tuple(factories))
    defaults, factories = found
    fields = defaults.copy()  # the model's field order, as validation gives it
    fields.update(values)
    for name, factory in factories:
        if name not in values:
            fields[name] = factory()
    model = cls.__new__(cls)
    _set(model, "__dict__", fields)
    keys = tuple(values)
    shared = _FIELDS.get((cls, keys))
    if shared is None:
        shared = _FIELDS[cls, keys] = SharedFields(keys)
    _set(model, "__pydantic_fields_set__", shared)
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    if CHECK_TYPED:
        checked = cls.model_validate(values)
        if (checked.__dict__ != fields or list(checked.__dict__) != list(fields)
                or checked.model_fields_set != model.model_fields_set
                or any(type(checked.__dict__[k]) is not type(v) for k, v in fields.items())):
            raise AssertionError(f"typed {cls.__name__} differs from its validation: "
                                 f"{fields} != {checked.__dict__}")
    return model


_set = object.__setattr__
