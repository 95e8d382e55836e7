using System.Globalization;
using System.Runtime.InteropServices;

namespace KernelDashboard;

/// <summary>
/// Names for a few common system call numbers of this machine's architecture (x86-64 or arm64), so the page
/// and the form speak names; any other number is shown and accepted as a number.
/// </summary>
public static class SyscallTable
{
    // (name, x86-64 number, arm64 number), from asm/unistd_64.h and asm-generic/unistd.h.
    private static readonly (string Name, uint X64, uint Arm64)[] Known =
    [
        ("read", 0, 63), ("write", 1, 64), ("close", 3, 57), ("mmap", 9, 222), ("ioctl", 16, 29),
        ("sched_yield", 24, 124), ("nanosleep", 35, 101), ("getpid", 39, 172), ("connect", 42, 203),
        ("sendto", 44, 206), ("recvfrom", 45, 207), ("execve", 59, 221), ("kill", 62, 129), ("uname", 63, 160),
        ("getppid", 110, 173), ("futex", 202, 98), ("clock_nanosleep", 230, 115), ("openat", 257, 56),
        ("epoll_pwait", 281, 22),
    ];

    private static readonly bool IsArm64 = RuntimeInformation.ProcessArchitecture == Architecture.Arm64;

    /// <summary>The name of system call <paramref name="number"/>, or <see langword="null"/> if it is not in the table.</summary>
    public static string? NameOf(uint number)
    {
        foreach ((string name, uint x64, uint arm64) in Known)
        {
            if ((IsArm64 ? arm64 : x64) == number)
            {
                return name;
            }
        }

        return null;
    }

    /// <summary>Parses a system call number ("257") or a name from the table ("openat").</summary>
    public static bool TryParse(string? text, out uint number)
    {
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            number = 0;
            return false;
        }

        if (uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out number))
        {
            return true;
        }

        foreach ((string name, uint x64, uint arm64) in Known)
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
            {
                number = IsArm64 ? arm64 : x64;
                return true;
            }
        }

        return false;
    }
}
