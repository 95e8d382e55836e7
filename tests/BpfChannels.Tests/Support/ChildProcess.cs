using System.Runtime.CompilerServices;

namespace BpfChannels.Tests.Support;

/// <summary>
/// Lets a test re-run this test executable as a child (for example with capabilities dropped) that performs
/// one scenario and prints its outcome. The scenario is chosen by an environment variable read when the
/// assembly loads, before the test framework starts.
/// </summary>
public static class ChildProcess
{
    public const string ScenarioVariable = "BPFCHANNELS_TEST_CHILD";

    [ModuleInitializer]
    internal static void RunScenarioIfChild()
    {
        string? scenario = Environment.GetEnvironmentVariable(ScenarioVariable);
        if (string.IsNullOrEmpty(scenario))
        {
            return;
        }

        string result;
        try
        {
            result = scenario switch
            {
                "create-map" => CreateMap(),
                "pin-without-bpffs" => PinWithoutBpfFs(),
                _ => "unknown scenario " + scenario,
            };
        }
        catch (Exception e)
        {
            result = "unexpected " + e.GetType().Name + ": " + e.Message;
        }

        Console.Out.WriteLine(result);
        Console.Out.Flush();
        Environment.Exit(0);
    }

    public static string ExecutablePath => Environment.ProcessPath!.EndsWith("/dotnet", StringComparison.Ordinal)
        ? Path.ChangeExtension(typeof(ChildProcess).Assembly.Location, null)
        : Environment.ProcessPath!;

    private static string PinWithoutBpfFs()
    {
        try
        {
            using BpfMap<int, int> map = BpfMap.CreateHash<int, int>(4);
            map.Map.Pin(BpfSystem.DefaultBpfFsPath + "/unmounted_probe");
            return "pinned";
        }
        catch (ArgumentException e)
        {
            return "ArgumentException|" + e.Message;
        }
    }

    private static string CreateMap()
    {
        try
        {
            using BpfMap<int, int> map = BpfMap.CreateHash<int, int>(100, BpfMapFlags.NoPrealloc);
            return "created";
        }
        catch (BpfException e)
        {
            return $"{e.ErrorName}|{e.Error}|{e.Message}";
        }
    }
}
