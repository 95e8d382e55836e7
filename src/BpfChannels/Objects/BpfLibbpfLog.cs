using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static BpfChannels.Interop.Libbpf;

namespace BpfChannels;

/// <summary>Routes libbpf's own log (libbpf_set_print) to a .NET callback instead of standard error.</summary>
/// <remarks>
/// libbpf has one print function per process, so this is process-wide. The handler is called on whatever thread
/// libbpf logs from (the one opening, loading or attaching); an exception it throws is swallowed, because it cannot
/// cross back into native code. Messages longer than 8 KiB are truncated. Thread-safe.
/// </remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public static unsafe class BpfLibbpfLog
{
    private const int MaxMessage = 8192;
    private static readonly Lock Gate = new();
    private static Action<BpfLibbpfLogLevel, string>? s_handler;
    private static nint s_default;
    private static bool s_installed;

    /// <summary>
    /// Sends every libbpf message to <paramref name="handler"/> (with its level, without the trailing newline), or,
    /// when <see langword="null"/>, restores libbpf's default (warnings and info to standard error).
    /// </summary>
    /// <param name="handler">The handler, or <see langword="null"/>.</param>
    /// <exception cref="DllNotFoundException">libbpf.so.1 is not installed (package libbpf1).</exception>
    public static void SetHandler(Action<BpfLibbpfLogLevel, string>? handler)
    {
        LibbpfLibrary.EnsureAvailable();
        lock (Gate)
        {
            Volatile.Write(ref s_handler, handler);
            if (handler is not null && !s_installed)
            {
                s_default = libbpf_set_print((nint)(delegate* unmanaged[Cdecl]<int, byte*, nint, int>)&Print);
                s_installed = true;
            }
            else if (handler is null && s_installed)
            {
                _ = libbpf_set_print(s_default);
                s_installed = false;
            }
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Print(int level, byte* format, nint args)
    {
        Action<BpfLibbpfLogLevel, string>? handler = Volatile.Read(ref s_handler);
        if (handler is null || format is null)
        {
            return 0;
        }

        byte* buffer = stackalloc byte[MaxMessage];
        int length = Interop.Libc.vsnprintf(buffer, MaxMessage, format, args);
        if (length < 0)
        {
            return 0;
        }

        length = Math.Min(length, MaxMessage - 1);
        string message = Marshal.PtrToStringUTF8((nint)buffer, length).TrimEnd('\n');
        try
        {
            handler((BpfLibbpfLogLevel)level, message);
        }
#pragma warning disable CA1031 // An exception must not unwind into libbpf's native frames.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        return length;
    }
}
