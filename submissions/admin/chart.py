"""The overview's month chart as bar geometry for a server-rendered SVG (no script, no inline style)."""


def chart(months, width=720, height=180, label_height=20):
    """Bar geometry for a server-rendered SVG (no script, no inline style); about 12 month labels."""
    peak = max((n for _m, n in months), default=0) or 1
    slot = width / max(len(months), 1)
    label_every = max(1, -(-len(months) // 12))
    bars = []
    for index, (month, n) in enumerate(months):
        bar_height = round(n / peak * (height - 20), 1)
        bars.append(
            {
                "x": round(index * slot + slot * 0.1, 1),
                "y": round(height - bar_height, 1),
                "width": round(slot * 0.8, 1),
                "height": bar_height,
                "label_x": round(index * slot + slot / 2, 1),
                "labelled": index % label_every == 0,
                "month": month,
                "count": n,
            }
        )
    return {
        "bars": bars,
        "width": width,
        "height": height,
        "full_height": height + label_height,
        "label_y": height + label_height - 5,
        "peak": peak,
    }
