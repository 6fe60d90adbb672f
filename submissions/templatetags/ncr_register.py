from django import template

from ncregister.identifiers import (
    format_enterprise_number,
    format_establishment_number,
    kbo_public_search_url,
)

register = template.Library()


@register.filter
def kbo(value):
    """0405546706 -> 0405.546.706"""
    return format_enterprise_number(value)


@register.filter
def establishment(value):
    """2147812701 -> 2.147.812.701"""
    return format_establishment_number(value)


@register.filter
def kbo_search_url(value):
    """0405546706 -> the KBO public search page for that number"""
    return kbo_public_search_url(value)
