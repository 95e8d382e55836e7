using System.Text;
using static BpfChannels.Interop.Libbpf;

namespace BpfChannels;

public sealed unsafe partial class BpfProgram
{
    /// <summary>
    /// Attaches a uprobe program (SEC("uprobe") or SEC("uretprobe")) to a function of a user-space binary or shared
    /// library, resolved by name from its ELF symbols (or at <paramref name="offset"/> from it).
    /// </summary>
    /// <remarks>Requires Linux 4.3 or later.</remarks>
    /// <param name="binaryPath">The executable or library, for example <c>/lib/x86_64-linux-gnu/libc.so.6</c>.</param>
    /// <param name="functionName">The function's symbol, or <see langword="null"/> to attach at <paramref name="offset"/> in the file.</param>
    /// <param name="offset">With a function: bytes past its start; without: the file offset of the probe.</param>
    /// <param name="processId">Only this process triggers the probe; -1 for every process.</param>
    /// <param name="isReturnProbe">Fire when the function returns instead of when it is entered.</param>
    /// <returns>The link; dispose it to detach.</returns>
    /// <exception cref="ArgumentException"><paramref name="binaryPath"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The program is not loaded, or came from a legacy object.</exception>
    /// <exception cref="BpfException">ENOENT (no such binary or symbol) or another error.</exception>
    public BpfLink AttachUprobe(string binaryPath, string? functionName, long offset = 0, int processId = -1, bool isReturnProbe = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(binaryPath);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        RequireLibbpf("AttachUprobe");
        byte[] path = Encoding.UTF8.GetBytes(binaryPath + "\0");
        byte[]? function = functionName is null ? null : Encoding.UTF8.GetBytes(functionName + "\0");
        string target = $"{(isReturnProbe ? "uretprobe" : "uprobe")} {binaryPath}:{functionName ?? string.Empty}+{offset}";
        fixed (byte* pPath = path)
        fixed (byte* pFunction = function)
        {
            var opts = new bpf_uprobe_opts
            {
                sz = (nuint)sizeof(bpf_uprobe_opts),
                retprobe = isReturnProbe ? (byte)1 : (byte)0,
                func_name = pFunction,
            };
            nint link = bpf_program__attach_uprobe_opts(_program, processId, pPath, (nuint)offset, &opts);
            return link != 0 ? new BpfLink(link, $"{target} <- {Name}") : throw AttachError(BpfCommand.ProgramAttachUprobe, target);
        }
    }
}
