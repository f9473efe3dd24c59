"""Quality and safety: inspections and their corrective tasks, emergency drills."""
