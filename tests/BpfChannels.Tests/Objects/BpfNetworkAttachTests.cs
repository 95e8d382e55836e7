using System.Net;
using System.Net.Sockets;
using BpfChannels.Tests.Support;

namespace BpfChannels.Tests.Objects;

/// <summary>XDP, tc and tcx on the loopback device and socket filters, each attached for real and detached by Dispose.</summary>
public sealed class BpfNetworkAttachTests
{
    private static void Send(Socket receiver, int count)
    {
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        for (int i = 0; i < count; i++)
        {
            _ = sender.SendTo([1, 2, 3, (byte)i], receiver.LocalEndPoint!);
        }
    }

    private static Socket Receiver()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 300 };
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private static int Drain(Socket socket)
    {
        byte[] buffer = new byte[64];
        int received = 0;
        try
        {
            while (true)
            {
                _ = socket.Receive(buffer);
                received++;
            }
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
        {
            return received;
        }
    }

    // A process another test forks in the instant before Dispose holds a copy of the link's descriptor until
    // it execs, and the kernel keeps the link attached until the last copy closes; wait for the kernel's
    // own release (links are listed by id) before checking that nothing more is counted.
    private static void WaitUntilReleased(uint programId)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(10);
        while (BpfLinkInfo.GetAll().Any(l => l.ProgramId == programId))
        {
            Assert.True(DateTime.UtcNow < deadline, $"a link of program {programId} is still in the kernel 10 s after Dispose");
            Thread.Sleep(10);
        }
    }

    private static void AssertCountsLoopbackPacketsUntilDisposed(string program, uint key, Func<BpfProgram, BpfLink> attach)
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("network"));
        BpfMap<uint, ulong> counts = obj.GetMap<uint, ulong>("packet_counts");
        using Socket receiver = Receiver();

        BpfLink link = attach(obj.GetProgram(program));
        Send(receiver, 10);
        Assert.Equal(10, Drain(receiver));
        Assert.True(counts[key] >= 10, $"{link.Description} saw {counts[key]} packets on lo, 10 were sent");

        uint programId = BpfProgramInfo.FromHandle(obj.GetProgram(program).Handle).Id;
        link.Dispose();
        link.Dispose();
        WaitUntilReleased(programId);
        ulong detached = counts[key];
        Send(receiver, 10);
        Assert.Equal(10, Drain(receiver));
        Assert.Equal(detached, counts[key]);
    }

    [Fact]
    public void AttachXdp_Loopback_CountsPacketsUntilDisposed() =>
        AssertCountsLoopbackPacketsUntilDisposed("xdp_count", 0, p => p.AttachXdp("lo"));

    [Fact]
    public void AttachTc_LoopbackIngress_CountsPacketsUntilDisposed() =>
        AssertCountsLoopbackPacketsUntilDisposed("tc_count", 2, p => p.AttachTc(1, BpfTcDirection.Ingress));

    [Fact]
    public void AttachTcx_LoopbackIngress_CountsPacketsUntilDisposed() =>
        AssertCountsLoopbackPacketsUntilDisposed("tc_count", 2, p => p.AttachTcx(1, BpfTcDirection.Ingress));

    [Fact]
    public void AttachXdp_UnknownInterface_ThrowsArgumentException()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("network"));
        Assert.Throws<ArgumentException>(() => obj.GetProgram("xdp_count").AttachXdp("nosuchif0"));
        BpfException e = Assert.ThrowsAny<BpfException>(() => obj.GetProgram("xdp_count").AttachXdp(999_999));
        Assert.Contains("xdp ifindex 999999", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AttachSocketFilter_DropAll_SocketReceivesNothingUntilDisposed()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("network"));
        BpfMap<uint, ulong> counts = obj.GetMap<uint, ulong>("packet_counts");
        using Socket receiver = Receiver();

        BpfLink filter = obj.GetProgram("socket_drop").AttachSocketFilter(receiver);
        Send(receiver, 3);
        Assert.Equal(0, Drain(receiver));
        Assert.Equal(3ul, counts[1]);

        filter.Dispose();
        filter.Dispose();
        Send(receiver, 3);
        Assert.Equal(3, Drain(receiver));
        Assert.Equal(3ul, counts[1]);
    }

    [Fact]
    public void AttachSocketFilter_WrongProgramType_ThrowsInvalidArgument()
    {
        BpfTestEnvironment.RequireBpf();
        using BpfObject obj = BpfObject.LoadFile(BpfObjectTests.ObjectPath("network"));
        using Socket receiver = Receiver();
        BpfException e = Assert.ThrowsAny<BpfException>(() => obj.GetProgram("xdp_count").AttachSocketFilter(receiver));
        Assert.Equal(BpfError.InvalidArgument, e.Error);
    }
}
