using System.Text;
using static BpfChannels.Interop.Libbpf;

namespace BpfChannels;

public sealed unsafe partial class BpfProgram
{
    /// <summary>
    /// Attaches a USDT program (SEC("usdt"), written with libbpf's usdt.bpf.h so it reads its arguments with
    /// bpf_usdt_arg) to the probe <paramref name="provider"/>:<paramref name="name"/> of a binary or library: the probe's
    /// <c>.note.stapsdt</c> note gives its address, semaphore and argument specs, and a uprobe fires it (libbpf's
    /// bpf_program__attach_usdt).
    /// </summary>
    /// <remarks>Requires Linux 4.3 or later (probes with semaphores 4.20). Thread-safe.</remarks>
    /// <param name="binaryPath">The executable or shared library with the probe.</param>
    /// <param name="provider">The probe's provider (the first argument of STAP_PROBE / DTRACE_PROBE).</param>
    /// <param name="name">The probe's name.</param>
    /// <param name="processId">Only this process fires the probe; -1 for every process that runs the binary.</param>
    /// <param name="cookie">A value the program reads with bpf_usdt_cookie.</param>
    /// <returns>The link; dispose it to detach.</returns>
    /// <exception cref="ArgumentException">An argument is empty, or the binary is not an ELF file.</exception>
    /// <exception cref="FileNotFoundException">The binary does not exist.</exception>
    /// <exception cref="InvalidOperationException">The program is not loaded, or came from a legacy object.</exception>
    /// <exception cref="BpfException">The binary has no such USDT note (the message lists the probes it has), or the attachment failed.</exception>
    public BpfLink AttachUsdt(string binaryPath, string provider, string name, int processId = -1, ulong cookie = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(binaryPath);
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(processId, -1);
        RequireLibbpf("AttachUsdt");
        if (!File.Exists(binaryPath))
        {
            throw new FileNotFoundException($"There is no binary '{binaryPath}' to attach USDT probe {provider}:{name} to.", binaryPath);
        }

        string target = $"usdt {binaryPath}:{provider}:{name}{(processId == -1 ? string.Empty : $" pid {processId}")}";
        List<UsdtNote> notes = UsdtNotes.Read(binaryPath);
        if (!notes.Exists(n => n.Provider == provider && n.Name == name))
        {
            string have = notes.Count == 0 ? "it has no .note.stapsdt section at all" : "it has " + string.Join(", ", notes.Select(n => $"{n.Provider}:{n.Name}").Distinct());
            throw new BpfException($"Attaching program '{Name}' to {target} failed: the binary has no USDT note for {provider}:{name} ({have}).", BpfCommand.ProgramAttachUsdt.Name(), Name, Interop.Errno.ENOENT);
        }

        byte[] path = Encoding.UTF8.GetBytes(binaryPath + "\0");
        byte[] p = Encoding.UTF8.GetBytes(provider + "\0");
        byte[] n = Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* pPath = path)
        fixed (byte* pProvider = p)
        fixed (byte* pName = n)
        {
            var opts = new bpf_usdt_opts { sz = (nuint)sizeof(bpf_usdt_opts), usdt_cookie = cookie };
            nint link = bpf_program__attach_usdt(_program, processId, pPath, pProvider, pName, &opts);
            return link != 0 ? new BpfLink(link, $"{target} <- {Name}") : throw AttachError(BpfCommand.ProgramAttachUsdt, target);
        }
    }
}
