using System.Net;
using System.Net.Sockets;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Objects;

/// <summary>
/// A textbook legacy object (struct bpf_map_def SEC("maps")) attaches each program as the old samples loader did and
/// counts real events: execve, this process's system calls, packets arriving over a veth pair from a namespace made
/// for the test, perf samples on every CPU; each link detaches once on dispose.
/// </summary>
public sealed class LegacyAttachTests
{
    private const uint Execve = 0;
    private const uint SysEnter = 1;
    private const uint SocketPackets = 2;
    private const uint XdpPackets = 3;
    private const uint KprobeHits = 4;
    private const uint PerfSamples = 5;

    private static BpfObject Load()
    {
        BpfTestEnvironment.RequireBpf();
        BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("legacy_textbook"));
        Assert.True(obj.IsLegacy);
        return obj;
    }

    [Fact]
    public void Attach_LegacyTracepointSection_CountsExecveUntilDisposed()
    {
        using BpfObject obj = Load();
        BpfMap<uint, ulong> events = obj.GetMap<uint, ulong>("events");
        BpfProgram program = obj.GetProgram("trace_execve");
        Assert.Equal(BpfProgramType.Tracepoint, program.Type);

        BpfLink link = program.Attach();
        Assert.Contains("tracepoint/syscalls/sys_enter_execve", link.Description, StringComparison.Ordinal);
        for (int i = 0; i < 5; i++)
        {
            _ = BpfTestEnvironment.Run("/bin/true");
        }

        Assert.True(events[Execve] >= 5, $"{events[Execve]} execve seen, 5 were run");
        link.Dispose();
        link.Dispose();
        Assert.True(link.IsDisposed);

        ulong detached = events[Execve];
        _ = BpfTestEnvironment.Run("/bin/true");
        Assert.Equal(detached, events[Execve]);
    }

    [Fact]
    public void Attach_LegacyRawTracepointSection_CountsThisProcessSystemCalls()
    {
        using BpfObject obj = Load();
        BpfMap<uint, ulong> events = obj.GetMap<uint, ulong>("events");
        obj.GetMap<uint, uint>("watched")[0] = (uint)Environment.ProcessId;
        using (obj.GetProgram("trace_sys_enter").Attach())
        {
            for (int i = 0; i < 20; i++)
            {
                _ = File.Exists("/proc/self/stat");
            }

            Assert.True(events[SysEnter] >= 20, $"{events[SysEnter]} system calls seen, at least 20 were made");
        }

        ulong detached = events[SysEnter];
        _ = File.Exists("/proc/self/stat");
        Assert.Equal(detached, events[SysEnter]);
    }

    [Fact]
    public void Attach_LegacyXdpOnVethFromNamespace_CountsPacketsUntilDisposed()
    {
        using BpfObject obj = Load();
        BpfMap<uint, ulong> events = obj.GetMap<uint, ulong>("events");
        BpfProgram xdp = obj.GetProgram("xdp_count");
        InvalidOperationException noTarget = Assert.Throws<InvalidOperationException>(() => xdp.Attach());
        Assert.Contains("needs an interface", noTarget.Message, StringComparison.Ordinal);

        using var veth = new TestVethPair(withNamespace: true);
        BpfLink link = xdp.Attach(veth.HostName);
        veth.SendUdpFromPeer(9, 10);
        Assert.True(events[XdpPackets] >= 10, $"{events[XdpPackets]} packets seen on {veth.HostName}, 10 were sent from namespace {veth.Namespace}");

        link.Dispose();
        link.Dispose();
        ulong detached = events[XdpPackets];
        veth.SendUdpFromPeer(9, 5);
        Assert.Equal(detached, events[XdpPackets]);
    }

    [Fact]
    public void AttachSocketFilter_LegacySocketSection_CountsPacketsFromNamespace()
    {
        using BpfObject obj = Load();
        BpfMap<uint, ulong> events = obj.GetMap<uint, ulong>("events");
        using var veth = new TestVethPair(withNamespace: true);
        using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 2000 };
        receiver.Bind(new IPEndPoint(veth.HostAddress, 0));
        int port = ((IPEndPoint)receiver.LocalEndPoint!).Port;
        Assert.Throws<InvalidOperationException>(() => obj.GetProgram("socket_count").Attach());

        using (obj.GetProgram("socket_count").AttachSocketFilter(receiver))
        {
            veth.SendUdpFromPeer(port, 4);
            byte[] buffer = new byte[64];
            for (int i = 0; i < 4; i++)
            {
                _ = receiver.Receive(buffer);
            }

            Assert.Equal(4ul, events[SocketPackets]);
        }

        veth.SendUdpFromPeer(port, 2);
        byte[] after = new byte[64];
        _ = receiver.Receive(after);
        _ = receiver.Receive(after);
        Assert.Equal(4ul, events[SocketPackets]);
    }

    [Fact]
    public void AttachPerfEvent_LegacyCpuClock99HzOnEveryCpu_CountsSamplesDuringBusyLoop()
    {
        using BpfObject obj = Load();
        BpfMap<uint, ulong> events = obj.GetMap<uint, ulong>("events");
        BpfProgram program = obj.GetProgram("perf_sample");
        Assert.Contains("AttachPerfEvent", Assert.Throws<InvalidOperationException>(() => program.Attach()).Message, StringComparison.Ordinal);

        BpfLink link = program.AttachPerfEvent(BpfPerfEventOptions.CpuClock(99));
        Assert.Contains("99 Hz on every cpu", link.Description, StringComparison.Ordinal);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        ulong spin = 0;
        while (clock.ElapsedMilliseconds < 500)
        {
            spin++;
        }

        link.Dispose();
        ulong samples = events[PerfSamples];

        // 99 Hz for half a second is about 50 samples on the busy CPU; the kernel's frequency tuning starts low.
        Assert.True(samples >= 10, $"{samples} samples in 500 ms of busy loop ({spin} spins) at 99 Hz");
        Assert.True(samples < (ulong)(99 * 2 * BpfSystem.PossibleCpuCount), $"{samples} samples is more than 99 Hz on {BpfSystem.PossibleCpuCount} CPUs allows in 2 s");
        Thread.Sleep(50);
        Assert.Equal(samples, events[PerfSamples]);
    }

    [Fact]
    public void Attach_LegacyPerfEventTarget_ReadsEventAndFrequency()
    {
        using BpfObject obj = Load();
        BpfMap<uint, ulong> events = obj.GetMap<uint, ulong>("events");
        using (BpfLink link = obj.GetProgram("perf_sample").Attach("cpu-clock@200Hz"))
        {
            Assert.Contains("200 Hz on every cpu", link.Description, StringComparison.Ordinal);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (clock.ElapsedMilliseconds < 300)
            {
            }
        }

        Assert.True(events[PerfSamples] > 0, "no sample in 300 ms of busy loop at 200 Hz");
        ArgumentException bad = Assert.Throws<ArgumentException>(() => obj.GetProgram("perf_sample").Attach("cpu-clock@fast"));
        Assert.Contains("sampling rate", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AttachKprobe_Legacy_CountsWhereKernelHasKprobesOtherwiseNamesConfigKprobes()
    {
        using BpfObject obj = Load();
        BpfMap<uint, ulong> events = obj.GetMap<uint, ulong>("events");
        BpfProgram kprobe = obj.GetProgram("kprobe_openat");
        if (!BpfFeatures.SupportsAttach(BpfAttachKind.Kprobe))
        {
            BpfException e = Assert.Throws<BpfException>(() => kprobe.Attach());
            Assert.Contains("CONFIG_KPROBES", e.Message, StringComparison.Ordinal);
            Assert.Contains("kprobe/do_sys_openat2", e.Message, StringComparison.Ordinal);
            Assert.Contains("CONFIG_KPROBES", Assert.Throws<BpfException>(() => kprobe.AttachKprobe("do_sys_openat2", isReturnProbe: true)).Message, StringComparison.Ordinal);
            return;
        }

        // The kernel has kprobes: the attach must work, and count this process's opens.
        using (kprobe.Attach())
        {
            File.ReadAllBytes("/proc/self/stat");
            Assert.True(events[KprobeHits] > 0, "the kprobe on do_sys_openat2 saw no open");
        }
    }

    [Fact]
    public void AttachTracepoint_UnknownTracepoint_NamesTheMissingTracepoint()
    {
        using BpfObject obj = Load();
        BpfProgram program = obj.GetProgram("trace_execve");
        BpfException noName = Assert.Throws<BpfException>(() => program.AttachTracepoint("syscalls", "sys_enter_no_such_call"));
        Assert.Contains("no such tracepoint", noName.Message, StringComparison.Ordinal);
        Assert.Contains("has no tracepoint 'sys_enter_no_such_call'", noName.Message, StringComparison.Ordinal);
        BpfException noCategory = Assert.Throws<BpfException>(() => program.Attach("no_such_category:x"));
        Assert.Contains("no tracepoint category 'no_such_category'", noCategory.Message, StringComparison.Ordinal);
    }
}
