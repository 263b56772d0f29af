using System.Globalization;

namespace Mesh.Bench;

/// <summary>What one measured run saw: checks per second, CPU as a fraction of one core, memory per probe, tick lateness.</summary>
public sealed record RunResult(string Mode, int Targets, double ChecksPerSecond, double FailedPerSecond, double CpuFraction,
    double HeapBytesPerProbe, double WorkingSetBytesPerProbe, double LatenessP50Ms, double LatenessP99Ms)
{
    public string ToLine() => string.Join(' ', "RESULT", Mode, Targets, F(ChecksPerSecond), F(FailedPerSecond), F(CpuFraction),
        F(HeapBytesPerProbe), F(WorkingSetBytesPerProbe), F(LatenessP50Ms), F(LatenessP99Ms));

    public static RunResult? Parse(string line)
    {
        var p = line.Split(' ');
        if (p.Length != 10 || p[0] != "RESULT") return null;
        double D(int i) => double.Parse(p[i], CultureInfo.InvariantCulture);
        return new RunResult(p[1], int.Parse(p[2], CultureInfo.InvariantCulture), D(3), D(4), D(5), D(6), D(7), D(8), D(9));
    }

    private static string F(double d) => d.ToString("0.####", CultureInfo.InvariantCulture);
}
