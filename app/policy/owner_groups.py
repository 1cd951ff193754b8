"""The owner groups of the personal record's fields (DESIGN §9).

A profile's ``records.field_owners`` says, for each group, whether the person,
the unit's officer or both may change its fields; app/records/form.py puts
every field of the sơ yếu lý lịch in one group. The groups are declared here,
below the records, because the profile schema validates them.
"""
IDENTITY = "identity"          # name, birth, origin, ethnicity, ID numbers
CONTACT = "contact"
BACKGROUND = "background"      # family background, Party, unions, army, policy status
EDUCATION = "education"        # levels and the training tables the person declares
POSITION = "position"          # recruitment, posts, planning, duties: decisions of the unit
SALARY = "salary"              # ngạch, bậc, hệ số, allowances, diễn biến lương
HEALTH = "health"
WORK_HISTORY = "work_history"  # quá trình công tác, đặc điểm lịch sử
REWARDS = "rewards"            # khen thưởng, kỷ luật, đánh giá xếp loại
FAMILY = "family"              # quan hệ gia đình, hoàn cảnh kinh tế
ASSESSMENT = "assessment"      # item 38: the unit's assessment
OWNER_GROUPS = (IDENTITY, CONTACT, BACKGROUND, EDUCATION, POSITION, SALARY, HEALTH,
                WORK_HISTORY, REWARDS, FAMILY, ASSESSMENT)
