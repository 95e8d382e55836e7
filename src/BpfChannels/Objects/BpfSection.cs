using System.Globalization;

namespace BpfChannels;

/// <summary>How a section name says a program attaches.</summary>
internal enum BpfSectionKind
{
    /// <summary>Nothing this library attaches itself; libbpf may (fentry, tp_btf, iter, usdt...).</summary>
    Other,

    /// <summary>tracepoint/category/name or tp/category/name.</summary>
    Tracepoint,

    /// <summary>raw_tracepoint/name or raw_tp/name.</summary>
    RawTracepoint,

    /// <summary>kprobe/function[+offset] or kretprobe/function.</summary>
    Kprobe,

    /// <summary>kprobe.multi/pattern or kretprobe.multi/pattern.</summary>
    KprobeMulti,

    /// <summary>xdp, tc, socket, cgroup, perf_event: the section names a hook kind but not which one.</summary>
    NeedsTarget,
}

/// <summary>A parsed section name: the attach point it names, as bpf_load.c and libbpf read them.</summary>
internal readonly record struct BpfSection(BpfSectionKind Kind, string Category, string Target, long Offset, bool IsReturn, string Hint)
{
    internal static BpfSection Parse(string section)
    {
        if (TryAfter(section, "tracepoint/", out string rest) || TryAfter(section, "tp/", out rest))
        {
            int slash = rest.IndexOf('/', StringComparison.Ordinal);
            return slash > 0 && slash < rest.Length - 1
                ? new(BpfSectionKind.Tracepoint, rest[..slash], rest[(slash + 1)..], 0, false, string.Empty)
                : Needs("the section names no category/name; use AttachTracepoint(category, name) or Attach(\"category:name\")");
        }

        if (TryAfter(section, "raw_tracepoint/", out rest) || TryAfter(section, "raw_tp/", out rest))
        {
            return rest.Length > 0 ? new(BpfSectionKind.RawTracepoint, string.Empty, rest, 0, false, string.Empty) : Needs("use AttachRawTracepoint(name)");
        }

        bool isReturn = section.StartsWith("kretprobe", StringComparison.Ordinal);
        if (IsKprobeMulti(section))
        {
            int slash = section.IndexOf('/', StringComparison.Ordinal);
            return slash > 0 && slash < section.Length - 1
                ? new(BpfSectionKind.KprobeMulti, string.Empty, section[(slash + 1)..], 0, isReturn, string.Empty)
                : Needs("the section names no function pattern; use AttachKprobeMulti(pattern) or Attach(\"pattern\")");
        }

        if (TryAfter(section, "kprobe/", out rest) || TryAfter(section, "kretprobe/", out rest))
        {
            return ParseFunction(rest, out string function, out long offset)
                ? new(BpfSectionKind.Kprobe, string.Empty, function, offset, isReturn, string.Empty)
                : Needs("the section names no kernel function; use AttachKprobe(function, offset, isReturnProbe)");
        }

        return section switch
        {
            "kprobe" or "kretprobe" => Needs("use AttachKprobe(function, offset, isReturnProbe) or Attach(\"function[+offset]\")"),
            _ when section.StartsWith("xdp", StringComparison.Ordinal) => Needs("an XDP program needs an interface; use AttachXdp(interface) or Attach(\"<interface>\")"),
            _ when section.StartsWith("socket", StringComparison.Ordinal) => Needs("a socket filter needs a socket; use AttachSocketFilter(socket)"),
            _ when section.StartsWith("cgroup", StringComparison.Ordinal) => Needs("a cgroup program needs a cgroup; use AttachCgroup(path) or Attach(\"/sys/fs/cgroup/...\")"),
            _ when section.StartsWith("perf_event", StringComparison.Ordinal) => Needs("a perf_event program needs a perf event; use AttachPerfEvent(options) or Attach(\"cpu-clock@99Hz\")"),
            "tc" or "classifier" or "tc/ingress" or "tc/egress" or "tcx/ingress" or "tcx/egress" => Needs("a tc program needs an interface; use AttachTc(interface, direction) or Attach(\"<interface>:ingress\")"),
            _ => new(BpfSectionKind.Other, string.Empty, string.Empty, 0, false, string.Empty),
        };
    }

    /// <summary>Whether the section is a multi-kprobe's: kprobe.multi or kretprobe.multi, with or without a pattern.</summary>
    internal static bool IsKprobeMulti(string section) =>
        section is "kprobe.multi" or "kretprobe.multi" || section.StartsWith("kprobe.multi/", StringComparison.Ordinal) || section.StartsWith("kretprobe.multi/", StringComparison.Ordinal);

    /// <summary>Reads <c>function[+offset]</c>, the offset decimal or 0x hexadecimal.</summary>
    internal static bool ParseFunction(string text, out string function, out long offset)
    {
        int plus = text.IndexOf('+', StringComparison.Ordinal);
        function = plus < 0 ? text : text[..plus];
        offset = 0;
        if (function.Length == 0)
        {
            return false;
        }

        if (plus < 0)
        {
            return true;
        }

        string number = text[(plus + 1)..];
        return number.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.TryParse(number.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out offset) && offset >= 0
            : long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out offset);
    }

    private static BpfSection Needs(string hint) => new(BpfSectionKind.NeedsTarget, string.Empty, string.Empty, 0, false, hint);

    private static bool TryAfter(string section, string prefix, out string rest)
    {
        rest = section.StartsWith(prefix, StringComparison.Ordinal) ? section[prefix.Length..] : string.Empty;
        return rest.Length > 0 || section == prefix;
    }
}
