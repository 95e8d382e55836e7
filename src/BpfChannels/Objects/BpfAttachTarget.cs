using System.Globalization;

namespace BpfChannels;

/// <summary>Reads the textual target of <see cref="BpfProgram.Attach(string)"/> by the program's type and attaches there.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class BpfAttachTarget
{
    internal static BpfLink Attach(BpfProgram program, string target)
    {
        switch (program.Type)
        {
            case BpfProgramType.Xdp:
                return int.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out int index) ? program.AttachXdp(index) : program.AttachXdp(target);
            case BpfProgramType.SchedCls:
                return AttachTc(program, target);
            case BpfProgramType.CgroupSkb or BpfProgramType.CgroupSock or BpfProgramType.CgroupSockAddr or BpfProgramType.SockOps
                or BpfProgramType.CgroupDevice or BpfProgramType.CgroupSysctl or BpfProgramType.CgroupSockopt:
                return program.AttachCgroup(target);
            case BpfProgramType.Tracepoint:
                int separator = target.IndexOfAny([':', '/']);
                return separator > 0 && separator < target.Length - 1
                    ? program.AttachTracepoint(target[..separator], target[(separator + 1)..])
                    : throw Bad(program, target, "category:name, for example syscalls:sys_enter_execve");
            case BpfProgramType.RawTracepoint or BpfProgramType.RawTracepointWritable:
                return program.AttachRawTracepoint(target);
            case BpfProgramType.Kprobe when program.SectionName.StartsWith("uprobe", StringComparison.Ordinal) || program.SectionName.StartsWith("uretprobe", StringComparison.Ordinal):
                int colon = target.LastIndexOf(':');
                return colon > 0 && colon < target.Length - 1
                    ? program.AttachUprobe(target[..colon], target[(colon + 1)..], isReturnProbe: program.SectionName.StartsWith("uretprobe", StringComparison.Ordinal))
                    : throw Bad(program, target, "binary:function, for example /lib/x86_64-linux-gnu/libc.so.6:malloc");
            case BpfProgramType.Kprobe when BpfSection.IsKprobeMulti(program.SectionName):
                return program.AttachKprobeMulti(target, program.SectionName.StartsWith("kretprobe", StringComparison.Ordinal));
            case BpfProgramType.Kprobe:
                return BpfSection.ParseFunction(target, out string function, out long offset)
                    ? program.AttachKprobe(function, offset, program.SectionName.StartsWith("kretprobe", StringComparison.Ordinal))
                    : throw Bad(program, target, "function[+offset], for example do_unlinkat or tcp_connect+0x10");
            case BpfProgramType.PerfEvent:
                return program.AttachPerfEvent(ParsePerfEvent(program, target));
            case BpfProgramType.SocketFilter:
                throw new InvalidOperationException($"Program '{program.Name}' is a socket filter: it attaches to a socket with AttachSocketFilter(socket), not to a named target.");
            default:
                throw new InvalidOperationException($"Program '{program.Name}' ({program.Type}, SEC(\"{program.SectionName}\")) takes no textual attach target; use Attach() or its typed Attach method.");
        }
    }

    /// <summary>Reads <c>event[@N Hz|@period]</c>, for example <c>cpu-clock@99Hz</c>, on every online CPU.</summary>
    internal static BpfPerfEventOptions ParsePerfEvent(BpfProgram program, string target)
    {
        int at = target.IndexOf('@', StringComparison.Ordinal);
        string eventName = (at < 0 ? target : target[..at]).Trim();
        (BpfPerfEventType type, ulong config) = eventName switch
        {
            "cpu-clock" => (BpfPerfEventType.Software, 0UL),
            "task-clock" => (BpfPerfEventType.Software, 1UL),
            "cpu-cycles" or "cycles" => (BpfPerfEventType.Hardware, 0UL),
            "instructions" => (BpfPerfEventType.Hardware, 1UL),
            _ => throw Bad(program, target, "an event (cpu-clock, task-clock, cpu-cycles, instructions) and optionally @<N>Hz or @<period>"),
        };
        if (at < 0)
        {
            return new BpfPerfEventOptions { Type = type, Config = config };
        }

        string rate = target[(at + 1)..].Trim().Replace(" ", string.Empty, StringComparison.Ordinal);
        bool hertz = rate.EndsWith("hz", StringComparison.OrdinalIgnoreCase);
        if (!ulong.TryParse(hertz ? rate[..^2] : rate, NumberStyles.None, CultureInfo.InvariantCulture, out ulong value) || value == 0)
        {
            throw Bad(program, target, "a positive sampling rate after '@': 99Hz, or a period such as 100000");
        }

        return hertz
            ? new BpfPerfEventOptions { Type = type, Config = config, SampleFrequency = value }
            : new BpfPerfEventOptions { Type = type, Config = config, SamplePeriod = value };
    }

    private static BpfLink AttachTc(BpfProgram program, string target)
    {
        int colon = target.LastIndexOf(':');
        string name = colon < 0 ? target : target[..colon];
        BpfTcDirection direction = (colon < 0 ? "ingress" : target[(colon + 1)..]).ToLowerInvariant() switch
        {
            "ingress" => BpfTcDirection.Ingress,
            "egress" => BpfTcDirection.Egress,
            _ => throw Bad(program, target, "interface[:ingress|:egress], for example eth0:egress"),
        };
        int index = int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int i) ? i : NetworkInterfaces.IndexOf(name);
        return program.AttachTc(index, direction);
    }

    private static ArgumentException Bad(BpfProgram program, string target, string expected) =>
        new($"'{target}' is not an attach target for {program.Type} program '{program.Name}': expected {expected}.", nameof(target));
}
