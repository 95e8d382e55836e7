
namespace BpfChannels;

/// <summary>Facts about the running system that BPF maps depend on.</summary>
public static class BpfSystem
{
    private static readonly Lazy<int> PossibleCpus = new(ReadPossibleCpuCount);

    /// <summary>The bpffs mount point libbpf, bpftool and systemd use.</summary>
    public const string DefaultBpfFsPath = "/sys/fs/bpf";

    /// <summary>
    /// The number of possible CPUs (/sys/devices/system/cpu/possible): per-CPU maps hold this many values
    /// per key, and perf event arrays one buffer per possible CPU.
    /// </summary>
    public static int PossibleCpuCount => PossibleCpus.Value;

    /// <summary>Whether <paramref name="path"/> is on a bpffs mount.</summary>
    /// <param name="path">A file or directory path; for a path that does not exist yet, its directory is checked.</param>
    /// <returns><see langword="true"/> if the path lies on bpffs.</returns>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static bool IsOnBpfFs(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string probe = Path.GetFullPath(path);
        while (!Path.Exists(probe))
        {
            string? parent = Path.GetDirectoryName(probe);
            if (parent is null)
            {
                return false;
            }

            probe = parent;
        }

        return Interop.Libc.GetFileSystemType(probe, out long type) == 0 && type == Interop.Libc.BPF_FS_MAGIC;
    }

    /// <summary>
    /// Parses a CPU list such as "0-3,5,7-8" and returns how many CPUs it names: the kernel copies per-CPU
    /// values for each possible CPU in turn (num_possible_cpus()), so holes in the numbering take no slot.
    /// </summary>
    internal static int ParseCpuListCount(string text)
    {
        int count = 0;
        foreach (string part in text.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            int dash = part.IndexOf('-', StringComparison.Ordinal);
            int first = int.Parse(dash < 0 ? part : part[..dash], System.Globalization.CultureInfo.InvariantCulture);
            int last = int.Parse(dash < 0 ? part : part[(dash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            count += last - first + 1;
        }

        return count;
    }

    private static int ReadPossibleCpuCount()
    {
        try
        {
            return ParseCpuListCount(File.ReadAllText("/sys/devices/system/cpu/possible"));
        }
        catch (IOException)
        {
            return Environment.ProcessorCount;
        }
    }

    /// <summary>
    /// Checks that this process may use BPF by creating (and closing) a one-element array map. Applications call it
    /// at start-up to exit with a clear message instead of failing on their first map.
    /// </summary>
    /// <param name="reason">Why BPF cannot be used, or <see langword="null"/>.</param>
    /// <returns>Whether BPF maps can be created.</returns>
    /// <remarks>Requires Linux 4.4 or later. Thread-safe.</remarks>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static bool CanUseBpf([System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? reason)
    {
        // Straight through Interop: this class sits below Maps, which uses it.
        const uint BPF_MAP_TYPE_ARRAY = 2;
        int errno = Interop.Bpf.MapCreate(BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0, "probe"u8, null, 0, 0, null, 0, 0, 0, 0, out BpfHandle? probe);
        probe?.Dispose();
        reason = errno == 0 ? null : BpfErrors.Create(errno, BpfCommand.MapCreate, "probe").Message;
        return errno == 0;
    }
}
