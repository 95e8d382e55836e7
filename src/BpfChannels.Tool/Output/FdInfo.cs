using System.Globalization;

namespace BpfChannels.Tool;

/// <summary>The fields the kernel shows in /proc/self/fdinfo for a BPF descriptor (memlock, owner_prog_type...).</summary>
internal static class FdInfo
{
    /// <summary>Reads the named fields of the descriptor behind <paramref name="handle"/>; missing fields are left out.</summary>
    public static Dictionary<string, string> Read(BpfHandle handle, params string[] fields)
    {
        var values = new Dictionary<string, string>(fields.Length, StringComparer.Ordinal);
        bool added = false;
        try
        {
            // Held open while it is read: a concurrent close and reuse of the number would describe another file.
            handle.DangerousAddRef(ref added);
            foreach (string line in File.ReadLines("/proc/self/fdinfo/" + handle.FileDescriptor.ToString(CultureInfo.InvariantCulture)))
            {
                int colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0 && Array.IndexOf(fields, line[..colon]) >= 0)
                {
                    values[line[..colon]] = line[(colon + 1)..].Trim();
                }
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }

        return values;
    }

    public static long? Number(Dictionary<string, string> values, string field) =>
        values.TryGetValue(field, out string? text) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) ? value : null;
}
