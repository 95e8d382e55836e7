using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BpfChannels.Tests.Interop;
using static BpfChannels.Interop;

namespace BpfChannels.Tests.Events;

/// <summary>Compiles perf_layout.c against the machine's linux/perf_event.h and sys/epoll.h and compares the interop declarations with it.</summary>
public sealed class PerfEventLayoutTests
{
    private static readonly Dictionary<string, Type> Structs = new()
    {
        ["perf_event_attr"] = typeof(PerfEvent.perf_event_attr),
        ["perf_event_mmap_page"] = typeof(PerfEvent.perf_event_mmap_page),
        ["perf_event_header"] = typeof(PerfEvent.perf_event_header),
    };

    private static readonly Dictionary<string, ulong> Constants = new()
    {
        ["PERF_EVENT_IOC_ENABLE"] = PerfEvent.PERF_EVENT_IOC_ENABLE,
        ["PERF_EVENT_IOC_DISABLE"] = PerfEvent.PERF_EVENT_IOC_DISABLE,
        ["PERF_SAMPLE_RAW"] = PerfEvent.PERF_SAMPLE_RAW,
        ["PERF_COUNT_SW_BPF_OUTPUT"] = PerfEvent.PERF_COUNT_SW_BPF_OUTPUT,
        ["PERF_FLAG_FD_CLOEXEC"] = PerfEvent.PERF_FLAG_FD_CLOEXEC,
    };

    [Fact]
    public void PerfAndEpollDeclarations_MatchMachineHeaders()
    {
        var layout = StructLayoutTests.ReadCLayout(SourcePath(), "perf_layout");
        Assert.Contains(layout, l => l.Struct == "perf_event_attr");
        foreach ((string name, string field, int offset, int size) in layout)
        {
            if (name == "const")
            {
                Assert.True(Constants[field] == (ulong)size, $"{field} is {size} in C, {Constants[field]} in C#");
            }
            else if (name == "epoll_event")
            {
                int expected = field switch { "events" => 0, "data" => Libc.EpollDataOffset, _ => 0 };
                Assert.Equal(field == "sizeof" ? size : offset, field == "sizeof" ? Libc.EpollEventSize : expected);
            }
            else if (field == "disabled_bit")
            {
                Assert.True(PerfEvent.ATTR_FLAG_DISABLED == (ulong)size, $"disabled is bit value {size} in C");
                Assert.Equal(40, (int)Marshal.OffsetOf<PerfEvent.perf_event_attr>(nameof(PerfEvent.perf_event_attr.flags)));
            }
            else if (field == "sizeof")
            {
                Assert.True(Marshal.SizeOf(Structs[name]) == size, $"sizeof({name}) is {size} in C, {Marshal.SizeOf(Structs[name])} in C#");
            }
            else
            {
                int csOffset = (int)Marshal.OffsetOf(Structs[name], field);
                Assert.True(offset == csOffset, $"{name}.{field} is at {offset} in C, {csOffset} in C#");
            }
        }
    }

    private static string SourcePath([CallerFilePath] string path = "") => Path.Combine(Path.GetDirectoryName(path)!, "perf_layout.c");
}
