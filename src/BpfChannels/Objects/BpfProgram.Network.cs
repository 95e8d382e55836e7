using System.Net.Sockets;
using static BpfChannels.Interop.Errno;

namespace BpfChannels;

public sealed partial class BpfProgram
{
    private const int SOL_SOCKET = 1;
    private const int SO_ATTACH_BPF = 50;
    private const int SO_DETACH_BPF = 27;

    /// <summary>
    /// Attaches an XDP program (SEC("xdp")) to the network interface with index <paramref name="interfaceIndex"/> as a
    /// BPF link (BPF_LINK_CREATE with BPF_XDP). Works for legacy objects too.
    /// </summary>
    /// <remarks>Requires Linux 5.9 or later.</remarks>
    /// <param name="interfaceIndex">The interface index (1 is usually the loopback device).</param>
    /// <returns>The link; dispose it to detach.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The index is not positive.</exception>
    /// <exception cref="InvalidOperationException">The program is not loaded.</exception>
    /// <exception cref="BpfException">ENODEV (no such interface), EBUSY (another XDP program is attached) or another error.</exception>
    public BpfLink AttachXdp(int interfaceIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(interfaceIndex);
        string target = $"xdp ifindex {interfaceIndex}";
        int errno = Interop.Bpf.LinkCreateXdp(Handle, interfaceIndex, out BpfHandle? link);
        return errno == 0 ? new BpfLink(link!, $"{target} <- {Name}") : throw AttachError(errno, BpfCommand.LinkCreate, target);
    }

    /// <summary>Attaches an XDP program to the network interface named <paramref name="interfaceName"/> (for example <c>lo</c> or <c>eth0</c>).</summary>
    /// <param name="interfaceName">The interface's name.</param>
    /// <returns>The link; dispose it to detach.</returns>
    /// <exception cref="ArgumentException">There is no interface of that name.</exception>
    /// <exception cref="InvalidOperationException">The program is not loaded.</exception>
    /// <exception cref="BpfException">The kernel refused.</exception>
    public BpfLink AttachXdp(string interfaceName)
    {
        ArgumentException.ThrowIfNullOrEmpty(interfaceName);
        return AttachXdp(NetworkInterfaces.IndexOf(interfaceName));
    }

    /// <summary>
    /// Attaches a socket filter program (SEC("socket")) to <paramref name="socket"/> (setsockopt SO_ATTACH_BPF);
    /// the program's return value is how many bytes of each packet the socket keeps (0 drops it).
    /// </summary>
    /// <remarks>Requires Linux 3.19 or later.</remarks>
    /// <param name="socket">The socket; it must stay open while the filter is attached.</param>
    /// <returns>A link whose disposal detaches the filter (SO_DETACH_BPF) once; a closed socket needs no detaching.</returns>
    /// <exception cref="InvalidOperationException">The program is not loaded.</exception>
    /// <exception cref="BpfException">EINVAL (not a socket filter program) or another error.</exception>
    public BpfLink AttachSocketFilter(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        using (var lease = new HandleLease(Handle))
        {
            try
            {
                socket.SetRawSocketOption(SOL_SOCKET, SO_ATTACH_BPF, BitConverter.GetBytes(lease.FileDescriptor));
            }
            catch (SocketException e)
            {
                throw AttachError(e.SocketErrorCode == SocketError.InvalidArgument || e.NativeErrorCode <= 0 ? EINVAL : e.NativeErrorCode, BpfCommand.SetSockOptAttachBpf, "socket");
            }
        }

        return new BpfLink(() => DetachSocketFilter(socket), $"socket filter <- {Name}");
    }

    private static void DetachSocketFilter(Socket socket)
    {
        if (socket.SafeHandle.IsClosed)
        {
            return;
        }

        try
        {
            socket.SetRawSocketOption(SOL_SOCKET, SO_DETACH_BPF, BitConverter.GetBytes(0));
        }
        catch (ObjectDisposedException)
        {
            // The socket was closed meanwhile, which detached the filter with it.
        }
    }
}
