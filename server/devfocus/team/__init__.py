"""Team mode: the aggregates a member shares with a team database, and the team's figures read
back from it. Pure: no database, no editor."""
