using System.Globalization;

namespace BpfChannels;

/// <summary>
/// Reads what decides a permission error, when one happens: the capabilities and ids this process holds
/// (/proc/self/status), kernel lockdown (/sys/kernel/security/lockdown), and a pin's directories and file mode.
/// </summary>
internal static class BpfPermissionFacts
{
    private const int CapDacOverride = 1;
    private const int CapNetAdmin = 12;
    private const int CapSysAdmin = 21;
    private const int CapPerfmon = 38;
    private const int CapBpf = 39;

    /// <summary>Why this process may not run <paramref name="command"/>: the capabilities it lacks, lockdown, or a kernel refusal.</summary>
    internal static string ProcessCause(BpfCommand command)
    {
        Process process = Process.Read();
        var missing = new List<string>();
        bool hasBpf = process.Has(CapBpf) || process.Has(CapSysAdmin);
        if (command is BpfCommand.MapGetFdById or BpfCommand.MapGetNextId or BpfCommand.BtfGetFdById)
        {
            AddIfMissing(process, CapSysAdmin, "CAP_SYS_ADMIN", missing);
        }
        else if (!hasBpf)
        {
            missing.Add("CAP_BPF (or CAP_SYS_ADMIN)");
        }

        if (command.IsProgramOrObject() || command == BpfCommand.PerfEventOpen)
        {
            AddIfMissing(process, CapPerfmon, "CAP_PERFMON (tracing programs)", missing);
        }

        if (command.IsProgramOrObject())
        {
            AddIfMissing(process, CapNetAdmin, "CAP_NET_ADMIN (networking programs)", missing);
        }

        string who = $"uid {process.Uid}, effective capabilities 0x{process.Capabilities:x}";
        if (missing.Count > 0)
        {
            return $"operation not permitted: this process ({who}) lacks {string.Join(", ", missing)}; run it as root or grant those capabilities (setcap, or AmbientCapabilities= in a systemd unit)";
        }

        string? lockdown = ReadLockdown();
        if (lockdown == "confidentiality" && (command == BpfCommand.PerfEventOpen || command.Attaches()))
        {
            return "operation not permitted: the kernel is in lockdown mode 'confidentiality' (/sys/kernel/security/lockdown), which forbids perf events and kprobes that could read kernel memory even to root; only booting without lockdown changes it";
        }

        return $"operation not permitted: the kernel refused although this process ({who}) holds CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN and CAP_SYS_ADMIN, so no capability is missing; {KernelRefusal(lockdown)}";
    }

    /// <summary>Whether this process holds what the kernel checks for loading and attaching every program type: bpf_capable, perfmon_capable and CAP_NET_ADMIN.</summary>
    internal static bool HoldsBpfCapabilities()
    {
        Process process = Process.Read();
        bool admin = process.Has(CapSysAdmin);
        return (admin || process.Has(CapBpf)) && (admin || process.Has(CapPerfmon)) && process.Has(CapNetAdmin);
    }

    /// <summary>Why a kernel refuses a process that holds every BPF capability, with this kernel's lockdown state.</summary>
    internal static string KernelRefusal() => KernelRefusal(ReadLockdown());

    private static string KernelRefusal(string? lockdown)
    {
        string state = lockdown switch
        {
            null => "its lockdown state is unknown (securityfs is not mounted at /sys/kernel/security)",
            "none" => "lockdown is off",
            _ => $"lockdown is '{lockdown}', which withholds some helpers (the verifier then names an unknown function) but does not refuse loads with EPERM",
        };
        return $"this kernel forbids it (a program or attach type it refuses to load, such as fentry or LSM programs on some kernels, or a security module's policy: SELinux, AppArmor, the BPF LSM); {state}; BpfFeatures.GetAttachSupport says which kinds of attachment this kernel refuses";
    }

    /// <summary>The cause of EACCES/EPERM on a pin path that the file system shows, or null.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Interoperability", "CA1416", Justification = "Pin commands run only on kernel maps and pins, which exist only on Linux.")]
    internal static string? PinCause(string path, BpfCommand command, BpfPinAccess access)
    {
        Process process = Process.Read();
        string who = $"this process (uid {process.Uid}, gid {process.Gid}{(process.Has(CapDacOverride) ? string.Empty : ", without CAP_DAC_OVERRIDE")})";
        string? directory = Path.GetDirectoryName(path);
        var ancestors = new Stack<string>();
        for (string? dir = directory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            ancestors.Push(dir);
        }

        // From the root down: the first directory this process may not search is where the lookup stopped.
        foreach (string dir in ancestors)
        {
            if (Interop.Libc.AccessEffective(dir, Interop.Libc.X_OK) == Interop.Errno.EACCES)
            {
                return $"access denied: {who} may not search the directory '{dir}' ({Describe(dir) ?? "mode unknown"}), so it cannot reach the pin";
            }
        }

        if (command == BpfCommand.ObjPin)
        {
            return directory is not null && Interop.Libc.AccessEffective(directory, Interop.Libc.W_OK | Interop.Libc.X_OK) == Interop.Errno.EACCES
                ? $"access denied: {who} may not create entries in '{directory}' ({Describe(directory)}); pin somewhere it may write, or as the directory's owner"
                : null;
        }

        int wanted = access switch
        {
            BpfPinAccess.ReadOnly => Interop.Libc.R_OK,
            BpfPinAccess.WriteOnly => Interop.Libc.W_OK,
            _ => Interop.Libc.R_OK | Interop.Libc.W_OK,
        };
        if (Interop.Libc.AccessEffective(path, wanted) != Interop.Errno.EACCES || Describe(path) is not { } file)
        {
            return null;
        }

        string how = access switch
        {
            BpfPinAccess.ReadOnly => "read-only",
            BpfPinAccess.WriteOnly => "write-only",
            _ => "read-write",
        };
        string alternative = access == BpfPinAccess.ReadWrite && Interop.Libc.AccessEffective(path, Interop.Libc.R_OK) == 0
            ? "; it may open it read-only (BpfPinAccess.ReadOnly)"
            : string.Empty;
        return $"access denied: the pin '{path}' is {file}, and {who} may not open it {how}{alternative}; open it as its owner, or give the pin a mode or owner that admits this user (Pin(path, mode), chmod, chown)";
    }

    private static void AddIfMissing(Process process, int capability, string name, List<string> missing)
    {
        if (!process.Has(capability))
        {
            missing.Add(name);
        }
    }

    /// <summary>"mode 0600, owner uid 0, gid 0", or null when the file cannot be examined.</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static string? Describe(string path) =>
        Interop.Libc.Stat(path, out uint mode, out uint uid, out uint gid) == 0
            ? $"mode {Convert.ToString(mode & 0xFFF, 8).PadLeft(4, '0')}, owner uid {uid}, gid {gid}"
            : null;

    /// <summary>The active lockdown mode (the bracketed word), or null without the lockdown LSM.</summary>
    private static string? ReadLockdown()
    {
        try
        {
            string text = File.ReadAllText("/sys/kernel/security/lockdown");
            int open = text.IndexOf('[', StringComparison.Ordinal);
            int close = text.IndexOf(']', StringComparison.Ordinal);
            return open >= 0 && close > open ? text[(open + 1)..close] : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The effective ids and capabilities of this process.</summary>
    private readonly record struct Process(uint Uid, uint Gid, ulong Capabilities)
    {
        public bool Has(int capability) => (Capabilities & (1UL << capability)) != 0;

        public static Process Read()
        {
            uint uid = 0, gid = 0;
            ulong caps = 0;
            try
            {
                foreach (string line in File.ReadLines("/proc/self/status"))
                {
                    if (line.StartsWith("Uid:", StringComparison.Ordinal))
                    {
                        uid = Effective(line);
                    }
                    else if (line.StartsWith("Gid:", StringComparison.Ordinal))
                    {
                        gid = Effective(line);
                    }
                    else if (line.StartsWith("CapEff:", StringComparison.Ordinal))
                    {
                        caps = ulong.Parse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    }
                }
            }
            catch (IOException)
            {
            }

            return new Process(uid, gid, caps);
        }

        // "Uid:\treal\teffective\tsaved\tfilesystem": the effective id decides.
        private static uint Effective(string line) =>
            uint.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture);
    }
}
